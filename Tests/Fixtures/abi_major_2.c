/* Broken: built for ABI 2.0, which this host does not implement. */
#include "plugboard.h"
PB_EXPORT const pb_entry *plugboard_entry_v1(void) {
    static const pb_entry entry = {PB_MAGIC, sizeof(pb_entry), 2, 0, "future", "1", 0, 0, 0, 0};
    return &entry;
}
