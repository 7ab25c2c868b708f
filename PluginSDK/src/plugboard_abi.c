/* Compile-time checks of the ABI's layout promises. This is the C target's one source file: SwiftPM needs one,
 * and it is a good place to catch an accidental reordering of the append-only structs. */
#include "plugboard.h"

_Static_assert(offsetof(pb_entry, magic) == 0, "magic comes first");
_Static_assert(offsetof(pb_entry, struct_size) == 8, "struct_size follows magic");
_Static_assert(offsetof(pb_component, struct_size) == 0, "size-prefixed");
_Static_assert(offsetof(pb_host, struct_size) == 0, "size-prefixed");
_Static_assert(offsetof(pb_request, struct_size) == 0, "size-prefixed");
_Static_assert(offsetof(pb_registrar, struct_size) == 0, "size-prefixed");
_Static_assert(PB_ENTRY_MIN_SIZE == offsetof(pb_entry, build_pointer_size), "the build signature (1.3) follows the 1.0 entry");
_Static_assert(sizeof(pb_entry) - (offsetof(pb_entry, build_reserved) + 1) < _Alignof(pb_entry), "build_reserved is the 1.3 entry's last field");
_Static_assert(PB_COMPONENT_MIN_SIZE == offsetof(pb_component, icons), "icons (1.2) follows the 1.0 component");
_Static_assert(offsetof(pb_component, icons) + sizeof(void *) == sizeof(pb_component), "icons is the 1.2 component's last field");
_Static_assert(offsetof(pb_request, meta_len) + sizeof(size_t) == sizeof(pb_request), "meta_len is the 1.1 request's last field");
