// libffi, for calling typed plugin functions (Debian: libffi-dev).
#include <ffi.h>

// libffi's type descriptors are mutable C globals; Swift 6 refuses direct references to shared mutable state.
// These accessors hand out their addresses (libffi never writes to the built-in descriptors).
static inline ffi_type *pb_ffi_void(void) { return &ffi_type_void; }
static inline ffi_type *pb_ffi_uint8(void) { return &ffi_type_uint8; }
static inline ffi_type *pb_ffi_sint32(void) { return &ffi_type_sint32; }
static inline ffi_type *pb_ffi_sint64(void) { return &ffi_type_sint64; }
static inline ffi_type *pb_ffi_double(void) { return &ffi_type_double; }
static inline ffi_type *pb_ffi_pointer(void) { return &ffi_type_pointer; }
static inline ffi_abi pb_ffi_default_abi(void) { return FFI_DEFAULT_ABI; }
