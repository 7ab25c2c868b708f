/* Broken: struct_size is below the 1.0 entry (as if built against a truncated header). */
#include "plugboard.h"
PB_EXPORT const pb_entry *plugboard_entry_v1(void) {
    static const pb_entry entry = {PB_MAGIC, 24, PB_ABI_MAJOR, PB_ABI_MINOR, "too_small", "1", 0, 0, 0, 0};
    return &entry;
}
