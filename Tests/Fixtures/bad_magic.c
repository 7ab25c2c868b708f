/* Broken: the entry's magic is not PB_MAGIC. */
#include "plugboard.h"
PB_EXPORT const pb_entry *plugboard_entry_v1(void) {
    static const pb_entry entry = {0x1234, sizeof(pb_entry), PB_ABI_MAJOR, PB_ABI_MINOR, "bad_magic", "1", 0, 0, 0, 0};
    return &entry;
}
