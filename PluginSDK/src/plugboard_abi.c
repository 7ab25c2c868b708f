/* Compile-time checks of the ABI's layout promises. This is the C target's one source file: SwiftPM needs one,
 * and it is a good place to catch an accidental reordering of the append-only structs. */
#include "plugboard.h"

_Static_assert(offsetof(pb_entry, magic) == 0, "magic comes first");
_Static_assert(offsetof(pb_entry, struct_size) == 8, "struct_size follows magic");
_Static_assert(offsetof(pb_component, struct_size) == 0, "size-prefixed");
_Static_assert(offsetof(pb_host, struct_size) == 0, "size-prefixed");
_Static_assert(offsetof(pb_request, struct_size) == 0, "size-prefixed");
_Static_assert(offsetof(pb_registrar, struct_size) == 0, "size-prefixed");
_Static_assert(PB_ENTRY_MIN_SIZE == sizeof(pb_entry), "1.0 entry is complete");
_Static_assert(PB_COMPONENT_MIN_SIZE == sizeof(pb_component), "1.0 component is complete");
