//! The C ABI of `PluginSDK/include/plugboard.h`, declared by hand (field for field, in order) so the crate needs
//! neither bindgen nor a C compiler. Keep it in step with the header: every struct is size-prefixed and
//! append-only, so a new minor only ever adds fields at the end.
#![allow(non_camel_case_types)]

use std::ffi::c_void;
use std::os::raw::c_char;

pub const PB_ABI_MAJOR: u16 = 1;
pub const PB_ABI_MINOR: u16 = 3;
/// "PLUGBRD1".
pub const PB_MAGIC: u64 = 0x3144_5242_4755_4C50;

pub const PB_KIND_TOOL: u32 = 1;
pub const PB_KIND_RESOURCE: u32 = 2;
pub const PB_KIND_RESOURCE_TEMPLATE: u32 = 3;
pub const PB_KIND_PROMPT: u32 = 4;

pub const PB_OK: i32 = 0;
pub const PB_PENDING: i32 = 1;

pub const PB_ERROR_FAILED: i32 = 1;
pub const PB_ERROR_INVALID_ARGUMENTS: i32 = 2;
pub const PB_ERROR_NOT_FOUND: i32 = 3;
pub const PB_ERROR_INTERNAL: i32 = 4;

pub const PB_LOG_DEBUG: i32 = 0;
pub const PB_LOG_INFO: i32 = 1;
pub const PB_LOG_NOTICE: i32 = 2;
pub const PB_LOG_WARNING: i32 = 3;
pub const PB_LOG_ERROR: i32 = 4;
pub const PB_LOG_CRITICAL: i32 = 5;
pub const PB_LOG_ALERT: i32 = 6;
pub const PB_LOG_EMERGENCY: i32 = 7;

pub const PB_FLAG_REENTRANT: u32 = 0x1;

/// Opaque handle of one call.
#[repr(C)]
pub struct pb_call {
    _private: [u8; 0],
}

#[repr(C)]
pub struct pb_request {
    pub struct_size: u32,
    pub kind: u32,
    pub key: *const c_char,
    pub version: *const c_char,
    pub arguments: *const c_char,
    pub arguments_len: usize,
    pub uri: *const c_char,
    pub state: *mut c_void,
    pub user_data: *mut c_void,
    /// Since 1.1: check `struct_size` before reading.
    pub meta: *const c_char,
    pub meta_len: usize,
}

pub type pb_handler = Option<unsafe extern "C" fn(call: *mut pb_call, request: *const pb_request) -> i32>;

#[repr(C)]
pub struct pb_host {
    pub struct_size: u32,
    pub abi_major: u16,
    pub abi_minor: u16,
    pub host_data: *mut c_void,
    pub log: Option<unsafe extern "C" fn(host: *const pb_host, call: *mut pb_call, level: i32, message: *const c_char)>,
    pub progress: Option<unsafe extern "C" fn(call: *mut pb_call, progress: f64, total: f64, message: *const c_char)>,
    pub is_cancelled: Option<unsafe extern "C" fn(call: *mut pb_call) -> i32>,
    pub set_result: Option<unsafe extern "C" fn(call: *mut pb_call, json: *const c_char) -> i32>,
    pub set_error: Option<unsafe extern "C" fn(call: *mut pb_call, code: i32, message: *const c_char) -> i32>,
    pub complete: Option<unsafe extern "C" fn(call: *mut pb_call)>,
}

#[repr(C)]
pub struct pb_component {
    pub struct_size: u32,
    pub kind: u32,
    pub key: *const c_char,
    pub name: *const c_char,
    pub version: *const c_char,
    pub title: *const c_char,
    pub description: *const c_char,
    pub mime_type: *const c_char,
    pub input_schema: *const c_char,
    pub output_schema: *const c_char,
    pub annotations: *const c_char,
    pub arguments: *const c_char,
    pub tags: *const c_char,
    pub flags: u32,
    pub handler: pb_handler,
    pub user_data: *mut c_void,
    /// Since 1.2.
    pub icons: *const c_char,
}

pub type pb_function = Option<unsafe extern "C" fn()>;

#[repr(C)]
pub struct pb_registrar {
    pub struct_size: u32,
    pub host_data: *mut c_void,
    pub add: Option<unsafe extern "C" fn(registrar: *mut pb_registrar, component: *const pb_component) -> i32>,
    pub add_function: Option<
        unsafe extern "C" fn(
            registrar: *mut pb_registrar,
            name: *const c_char,
            version: *const c_char,
            signature: *const c_char,
            function: pb_function,
            param_names: *const *const c_char,
            description: *const c_char,
            flags: u32,
        ) -> i32,
    >,
}

pub type pb_init = unsafe extern "C" fn(
    host: *const pb_host,
    config_json: *const c_char,
    state: *mut *mut c_void,
    err: *mut c_char,
    err_cap: usize,
) -> i32;
pub type pb_describe = unsafe extern "C" fn(state: *mut c_void, registrar: *mut pb_registrar) -> i32;

#[repr(C)]
pub struct pb_entry {
    pub magic: u64,
    pub struct_size: u32,
    pub abi_major: u16,
    pub abi_minor: u16,
    pub plugin_id: *const c_char,
    pub plugin_version: *const c_char,
    pub init: Option<pb_init>,
    pub describe: Option<pb_describe>,
    pub deinit: Option<unsafe extern "C" fn(state: *mut c_void)>,
    pub get_extension: Option<unsafe extern "C" fn(state: *mut c_void, id: *const c_char) -> *const c_void>,
    /// Since 1.3: how the library was built; the host refuses a build that differs from its own.
    pub build_pointer_size: u8,
    pub build_byte_order: u8,
    pub build_libc: u8,
    pub build_reserved: u8,
}

pub const PB_BYTE_ORDER_LITTLE: u8 = 1;
pub const PB_BYTE_ORDER_BIG: u8 = 2;
pub const PB_LIBC_GLIBC: u8 = 1;
pub const PB_LIBC_MUSL: u8 = 2;
pub const PB_LIBC_BIONIC: u8 = 3;

/// This build's byte order, as `PB_BUILD_BYTE_ORDER` says it in C.
pub const PB_BUILD_BYTE_ORDER: u8 = if cfg!(target_endian = "big") { PB_BYTE_ORDER_BIG } else { PB_BYTE_ORDER_LITTLE };

/// This build's C library, as `PB_BUILD_LIBC` says it in C (0: not one the host knows).
pub const PB_BUILD_LIBC: u8 = if cfg!(target_env = "gnu") {
    PB_LIBC_GLIBC
} else if cfg!(target_env = "musl") {
    PB_LIBC_MUSL
} else if cfg!(target_os = "android") {
    PB_LIBC_BIONIC
} else {
    0
};

/// The one symbol a provider exports.
pub const PB_ENTRY_SYMBOL: &str = "plugboard_entry_v1";
