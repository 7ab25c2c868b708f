//! A safe Rust layer over the Plugboard provider ABI (`PluginSDK/include/plugboard.h`); std only.
//!
//! A provider built with it is an ordinary plugboard.h provider: a `cdylib` exporting `plugboard_entry_v1`.
//!
//! ```ignore
//! use plugboard::{tool, Call, Output, Provider};
//!
//! fn provider() -> Provider {
//!     Provider::new("hello", "1.0.0").component(
//!         tool("hello")
//!             .version("1.0")
//!             .description("Greets someone")
//!             .input_schema(r#"{"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}"#)
//!             .handler(|call: &Call| Ok(Output::text(&format!("Hello, {}!", call.args().string("name")?)))),
//!     )
//! }
//! plugboard::export_provider!(provider);
//! ```
//!
//! Errors are return values: a handler returns `Result<Output, Error>`; `Error::failed` (also what `?` makes of a
//! `String` or `&str`) is the component's own failure (tools: an `isError` result), `Error::invalid_arguments` and
//! `Error::not_found` are the client's mistakes (protocol errors). A handler that panics never unwinds into the
//! host: every `extern "C"` function of the crate catches the panic and answers with a failure carrying its
//! message. Build with the default `panic = "unwind"`; with `panic = "abort"` a panic ends the host process.
//!
//! Threading is the C ABI's: handlers run on host threads, and a component runs concurrently with itself only if
//! it is marked `.reentrant()`; handlers are `Send + Sync` because different components may run at once.

pub mod ffi;
mod function;
mod json;

pub use function::{function, Function, FunctionValue, TypedFunction};
pub use json::{number, quote, Args, Object};

use std::any::Any;
use std::ffi::{c_void, CStr, CString};
use std::fmt;
use std::os::raw::c_char;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;
use std::sync::atomic::{AtomicPtr, Ordering};
use std::sync::Once;

// ---- Errors -------------------------------------------------------------------------------------------------

/// What kind of failure an `Error` is; the host maps each to what the client sees.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorCode {
    /// The component ran and failed (tools: an `isError` result the model sees).
    Failed,
    /// The arguments do not fit (a protocol error, -32602).
    InvalidArguments,
    /// The thing asked for does not exist.
    NotFound,
    /// A bug in the provider.
    Internal,
}

impl ErrorCode {
    fn raw(self) -> i32 {
        match self {
            ErrorCode::Failed => ffi::PB_ERROR_FAILED,
            ErrorCode::InvalidArguments => ffi::PB_ERROR_INVALID_ARGUMENTS,
            ErrorCode::NotFound => ffi::PB_ERROR_NOT_FOUND,
            ErrorCode::Internal => ffi::PB_ERROR_INTERNAL,
        }
    }
}

/// A handler's failure: a code and a message saying what went wrong and what to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    pub code: ErrorCode,
    pub message: String,
}

impl Error {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Error {
        Error { code, message: message.into() }
    }
    pub fn failed(message: impl Into<String>) -> Error {
        Error::new(ErrorCode::Failed, message)
    }
    pub fn invalid_arguments(message: impl Into<String>) -> Error {
        Error::new(ErrorCode::InvalidArguments, message)
    }
    pub fn not_found(message: impl Into<String>) -> Error {
        Error::new(ErrorCode::NotFound, message)
    }
    pub fn internal(message: impl Into<String>) -> Error {
        Error::new(ErrorCode::Internal, message)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// A plain message is the component's own failure, so `Err("...")?` and `Err(format!(...))?` read naturally.
impl From<String> for Error {
    fn from(message: String) -> Error {
        Error::failed(message)
    }
}

impl From<&str> for Error {
    fn from(message: &str) -> Error {
        Error::failed(message)
    }
}

// ---- Results ------------------------------------------------------------------------------------------------

/// What a handler returns: JSON text for the host's `set_result`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Output {
    json: String,
}

impl Output {
    /// Any JSON value. For tools: a full CallToolResult (`{"content":[...]}`), or anything else, which the host
    /// wraps as text content (and, for an object, structuredContent).
    pub fn json(json: impl Into<String>) -> Output {
        Output { json: json.into() }
    }
    /// A tool's plain text answer.
    pub fn text(text: &str) -> Output {
        Output::json(quote(text))
    }
    /// An object: a tool's text content and its structuredContent.
    pub fn object(object: &Object) -> Output {
        Output::json(object.to_json())
    }
    /// A resource's contents: one text entry.
    pub fn resource_text(uri: &str, mime_type: &str, text: &str) -> Output {
        let content = Object::new().string("uri", uri).string("mimeType", mime_type).string("text", text);
        Output::json(format!("{{\"contents\":[{}]}}", content.to_json()))
    }
    /// A prompt: one user message of text.
    pub fn user_message(text: &str) -> Output {
        Output::json(format!(
            "{{\"messages\":[{{\"role\":\"user\",\"content\":{{\"type\":\"text\",\"text\":{}}}}}]}}",
            quote(text)
        ))
    }
    pub fn as_json(&self) -> &str {
        &self.json
    }
}

// ---- The call -----------------------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Debug,
    Info,
    Notice,
    Warning,
    Error,
    Critical,
    Alert,
    Emergency,
}

impl Level {
    fn raw(self) -> i32 {
        match self {
            Level::Debug => ffi::PB_LOG_DEBUG,
            Level::Info => ffi::PB_LOG_INFO,
            Level::Notice => ffi::PB_LOG_NOTICE,
            Level::Warning => ffi::PB_LOG_WARNING,
            Level::Error => ffi::PB_LOG_ERROR,
            Level::Critical => ffi::PB_LOG_CRITICAL,
            Level::Alert => ffi::PB_LOG_ALERT,
            Level::Emergency => ffi::PB_LOG_EMERGENCY,
        }
    }
}

/// One running call. It lives as long as the handler runs; what it lends out is borrowed for that long.
pub struct Call<'a> {
    host: &'a ffi::pb_host,
    call: *mut ffi::pb_call,
    request: &'a ffi::pb_request,
    args: Args<'a>,
}

impl<'a> Call<'a> {
    /// Tool and prompt arguments, or a template's variables.
    pub fn args(&self) -> &Args<'a> {
        &self.args
    }
    /// The component's key as registered (tool name, URI, URI template).
    pub fn key(&self) -> &'a str {
        unsafe { borrowed_str(self.request.key) }.unwrap_or("")
    }
    /// The version the host chose, or None for an unversioned component.
    pub fn version(&self) -> Option<&'a str> {
        unsafe { borrowed_str(self.request.version) }
    }
    /// Resources and templates: the URI being read; otherwise empty.
    pub fn uri(&self) -> &'a str {
        unsafe { borrowed_str(self.request.uri) }.unwrap_or("")
    }
    /// The request's `_meta` without the host's own keys, a JSON object (`{}` from a 1.0 host).
    pub fn meta(&self) -> &'a str {
        let needed = memoffset_meta_len() + std::mem::size_of::<usize>();
        if (self.request.struct_size as usize) < needed || self.request.meta.is_null() {
            return "{}";
        }
        unsafe { borrowed_bytes(self.request.meta, self.request.meta_len) }.unwrap_or("{}")
    }
    /// Progress; a total <= 0 means unknown, an empty message sends none.
    pub fn progress(&self, done: f64, total: f64, message: &str) {
        if let Some(progress) = self.host.progress {
            let text = c_string(message);
            let pointer = if message.is_empty() { ptr::null() } else { text.as_ptr() };
            unsafe { progress(self.call, done, total, pointer) }
        }
    }
    /// True once the client cancelled or the deadline passed: stop and return early.
    pub fn cancelled(&self) -> bool {
        match self.host.is_cancelled {
            Some(is_cancelled) => unsafe { is_cancelled(self.call) != 0 },
            None => false,
        }
    }
    /// A failure naming the cancellation, for loops that only need to stop: `call.check_cancelled()?`.
    pub fn check_cancelled(&self) -> Result<(), Error> {
        if self.cancelled() {
            Err(Error::failed("cancelled"))
        } else {
            Ok(())
        }
    }
    /// A log line to this call's client, tagged with the plugin id.
    pub fn log(&self, level: Level, message: &str) {
        if let Some(log) = self.host.log {
            let text = c_string(message);
            unsafe { log(self.host, self.call, level.raw(), text.as_ptr()) }
        }
    }
}

/// The offset of `pb_request.meta_len`, without a crate or a newer compiler: from a value's field addresses.
fn memoffset_meta_len() -> usize {
    let request = std::mem::MaybeUninit::<ffi::pb_request>::uninit();
    let base = request.as_ptr();
    // addr_of! takes the address without reading the (uninitialised) field.
    unsafe { (ptr::addr_of!((*base).meta_len) as usize) - (base as usize) }
}

/// A handler: the call in, the answer or the failure out.
pub type Handler = Box<dyn Fn(&Call<'_>) -> Result<Output, Error> + Send + Sync>;

// ---- Components ---------------------------------------------------------------------------------------------

/// A tool, resource, resource template or prompt, with its handler. Optional text left unset is not sent; a
/// setter that does not apply to the kind is passed on and left to the host to ignore or refuse.
pub struct Component {
    kind: u32,
    key: String,
    version: Option<String>,
    name: Option<String>,
    title: Option<String>,
    description: Option<String>,
    mime_type: Option<String>,
    input_schema: Option<String>,
    output_schema: Option<String>,
    annotations: Option<String>,
    arguments: Option<String>,
    tags: Option<String>,
    icons: Option<String>,
    flags: u32,
    handler: Option<Handler>,
}

/// A tool. Per name, version every registration or none.
pub fn tool(name: &str) -> Component {
    Component::new(ffi::PB_KIND_TOOL, name)
}
/// A resource at a fixed URI.
pub fn resource(uri: &str) -> Component {
    Component::new(ffi::PB_KIND_RESOURCE, uri)
}
/// Resources behind an RFC 6570 URI template; the handler reads the variables from `call.args()`.
pub fn resource_template(uri_template: &str) -> Component {
    Component::new(ffi::PB_KIND_RESOURCE_TEMPLATE, uri_template)
}
/// A prompt.
pub fn prompt(name: &str) -> Component {
    Component::new(ffi::PB_KIND_PROMPT, name)
}

impl Component {
    fn new(kind: u32, key: &str) -> Component {
        Component {
            kind,
            key: key.to_string(),
            version: None,
            name: None,
            title: None,
            description: None,
            mime_type: None,
            input_schema: None,
            output_schema: None,
            annotations: None,
            arguments: None,
            tags: None,
            icons: None,
            flags: 0,
            handler: None,
        }
    }
    /// The component's own version, e.g. "2.0" (independent of the plugin's).
    pub fn version(mut self, version: &str) -> Component {
        self.version = Some(version.to_string());
        self
    }
    /// Resources and templates: the MCP `name` (default: the key).
    pub fn name(mut self, name: &str) -> Component {
        self.name = Some(name.to_string());
        self
    }
    pub fn title(mut self, title: &str) -> Component {
        self.title = Some(title.to_string());
        self
    }
    pub fn description(mut self, description: &str) -> Component {
        self.description = Some(description.to_string());
        self
    }
    /// Resources and templates.
    pub fn mime_type(mut self, mime_type: &str) -> Component {
        self.mime_type = Some(mime_type.to_string());
        self
    }
    /// Tools: a JSON Schema object (default `{"type":"object"}`).
    pub fn input_schema(mut self, json: &str) -> Component {
        self.input_schema = Some(json.to_string());
        self
    }
    /// Tools: a JSON Schema object for structuredContent.
    pub fn output_schema(mut self, json: &str) -> Component {
        self.output_schema = Some(json.to_string());
        self
    }
    /// Tools and resources: a JSON object, passed through.
    pub fn annotations(mut self, json: &str) -> Component {
        self.annotations = Some(json.to_string());
        self
    }
    /// Prompts: a JSON array of `{"name","description","required"}`.
    pub fn arguments(mut self, json: &str) -> Component {
        self.arguments = Some(json.to_string());
        self
    }
    /// A JSON array of strings.
    pub fn tags(mut self, json: &str) -> Component {
        self.tags = Some(json.to_string());
        self
    }
    /// A JSON array of MCP Icon objects (ABI 1.2).
    pub fn icons(mut self, json: &str) -> Component {
        self.icons = Some(json.to_string());
        self
    }
    /// The handler may run concurrently with itself: it guards whatever it shares.
    pub fn reentrant(mut self) -> Component {
        self.flags |= ffi::PB_FLAG_REENTRANT;
        self
    }
    pub fn handler<F>(mut self, handler: F) -> Component
    where
        F: Fn(&Call<'_>) -> Result<Output, Error> + Send + Sync + 'static,
    {
        self.handler = Some(Box::new(handler));
        self
    }
}

// ---- The provider -------------------------------------------------------------------------------------------

type Init = Box<dyn Fn(&Args<'_>) -> Result<(), Error> + Send + Sync>;

/// The whole provider: its id (`[a-z0-9_-]+`), its build's version, its components and an optional init.
/// Return one from the function named in `export_provider!`.
pub struct Provider {
    id: String,
    version: String,
    components: Vec<Component>,
    functions: Vec<Function>,
    init: Option<Init>,
}

impl Provider {
    pub fn new(id: &str, version: &str) -> Provider {
        Provider { id: id.to_string(), version: version.to_string(), components: Vec::new(), functions: Vec::new(), init: None }
    }
    pub fn component(mut self, component: Component) -> Provider {
        self.components.push(component);
        self
    }
    /// A typed function as a tool (`plugboard::function`): the host checks its arguments and calls it directly.
    pub fn function(mut self, function: Function) -> Provider {
        self.functions.push(function);
        self
    }
    /// Runs once, with the mount's configuration object, before anything is registered; an error refuses
    /// loading with its message. It must not block (the host gives it a deadline).
    pub fn on_init<F>(mut self, init: F) -> Provider
    where
        F: Fn(&Args<'_>) -> Result<(), Error> + Send + Sync + 'static,
    {
        self.init = Some(Box::new(init));
        self
    }
}

/// A log line to the host's own log, from anywhere (init, threads of your own); dropped before init.
pub fn log(level: Level, message: &str) {
    let host = HOST.load(Ordering::Acquire);
    if host.is_null() {
        return;
    }
    let host = unsafe { &*host };
    if let Some(log) = host.log {
        let text = c_string(message);
        unsafe { log(host, ptr::null_mut(), level.raw(), text.as_ptr()) }
    }
}

// ---- The C boundary: no panic gets past these functions ------------------------------------------------------

/// The host table init received; the host keeps it valid for the plugin's lifetime.
static HOST: AtomicPtr<ffi::pb_host> = AtomicPtr::new(ptr::null_mut());
/// The provider and its entry, built once by the first `plugboard_entry_v1` and never freed (the host never
/// unloads a provider, so nothing may dangle).
static LOADED: AtomicPtr<Loaded> = AtomicPtr::new(ptr::null_mut());
static LOAD: Once = Once::new();

struct Loaded {
    provider: Provider,
    entry: ffi::pb_entry,
    // The entry points into these.
    _id: CString,
    _version: CString,
}

/// A component's strings as C strings, kept alive while `registrar->add` copies them.
struct Registration {
    strings: Vec<CString>,
}

impl Registration {
    fn text(&mut self, value: &Option<String>) -> Result<*const c_char, String> {
        match value {
            None => Ok(ptr::null()),
            Some(value) => self.required(value),
        }
    }
    fn required(&mut self, value: &str) -> Result<*const c_char, String> {
        let text = CString::new(value).map_err(|_| format!("'{}' contains a NUL byte", value.replace('\0', "\\0")))?;
        let pointer = text.as_ptr();
        self.strings.push(text);
        Ok(pointer)
    }
}

#[doc(hidden)]
pub mod __private {
    pub use super::entry;
}

/// What `export_provider!` calls: builds the provider once and hands the host its entry.
#[doc(hidden)]
pub fn entry(make: fn() -> Provider) -> *const ffi::pb_entry {
    LOAD.call_once(|| {
        // A panic in the provider's own constructor must not unwind into the host either: the host gets no
        // entry and reports that the library gave none.
        let provider = match catch_unwind(make) {
            Ok(provider) => provider,
            Err(_) => return,
        };
        let (id, version) = match (CString::new(provider.id.clone()), CString::new(provider.version.clone())) {
            (Ok(id), Ok(version)) => (id, version),
            _ => return,
        };
        let entry = ffi::pb_entry {
            magic: ffi::PB_MAGIC,
            struct_size: std::mem::size_of::<ffi::pb_entry>() as u32,
            abi_major: ffi::PB_ABI_MAJOR,
            abi_minor: ffi::PB_ABI_MINOR,
            plugin_id: id.as_ptr(),
            plugin_version: version.as_ptr(),
            init: Some(init),
            describe: Some(describe),
            deinit: None,
            get_extension: None,
            build_pointer_size: std::mem::size_of::<*const u8>() as u8,
            build_byte_order: ffi::PB_BUILD_BYTE_ORDER,
            build_libc: ffi::PB_BUILD_LIBC,
            build_reserved: 0,
        };
        let loaded = Box::new(Loaded { provider, entry, _id: id, _version: version });
        LOADED.store(Box::into_raw(loaded), Ordering::Release);
    });
    let loaded = LOADED.load(Ordering::Acquire);
    if loaded.is_null() {
        ptr::null()
    } else {
        unsafe { &(*loaded).entry }
    }
}

fn loaded() -> Option<&'static Loaded> {
    let loaded = LOADED.load(Ordering::Acquire);
    if loaded.is_null() {
        None
    } else {
        Some(unsafe { &*loaded })
    }
}

/// A panic's message: what `panic!` was given, when it was text.
fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        text.to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "a value that is not a string".to_string()
    }
}

/// `text` as a C string; a NUL byte inside (which C cannot carry) is written as the two characters `\0`.
fn c_string(text: &str) -> CString {
    CString::new(text).unwrap_or_else(|_| CString::new(text.replace('\0', "\\0")).unwrap_or_default())
}

unsafe fn borrowed_str<'a>(text: *const c_char) -> Option<&'a str> {
    if text.is_null() {
        None
    } else {
        CStr::from_ptr(text).to_str().ok()
    }
}

unsafe fn borrowed_bytes<'a>(text: *const c_char, len: usize) -> Option<&'a str> {
    if text.is_null() {
        None
    } else {
        std::str::from_utf8(std::slice::from_raw_parts(text as *const u8, len)).ok()
    }
}

/// Writes `message` into the host's error buffer, cut to fit on a character boundary.
unsafe fn write_error(err: *mut c_char, cap: usize, message: &str) {
    if err.is_null() || cap == 0 {
        return;
    }
    let mut len = message.len().min(cap - 1);
    while !message.is_char_boundary(len) {
        len -= 1;
    }
    ptr::copy_nonoverlapping(message.as_ptr() as *const c_char, err, len);
    *err.add(len) = 0;
}

unsafe extern "C" fn init(
    host: *const ffi::pb_host,
    config: *const c_char,
    state: *mut *mut c_void,
    err: *mut c_char,
    err_cap: usize,
) -> i32 {
    if !state.is_null() {
        *state = host as *mut c_void;
    }
    HOST.store(host as *mut ffi::pb_host, Ordering::Release);
    let outcome = catch_unwind(AssertUnwindSafe(|| -> Result<(), String> {
        let provider = &loaded().ok_or("the provider was not built")?.provider;
        match &provider.init {
            None => Ok(()),
            Some(init) => {
                let config = borrowed_str(config).unwrap_or("{}");
                init(&Args::new(config)).map_err(|error| error.message)
            }
        }
    }));
    let message = match outcome {
        Ok(Ok(())) => return 0,
        Ok(Err(message)) => message,
        Err(payload) => format!("init panicked: {}", panic_message(&*payload)),
    };
    write_error(err, err_cap, &message);
    1
}

unsafe extern "C" fn describe(_state: *mut c_void, registrar: *mut ffi::pb_registrar) -> i32 {
    let outcome = catch_unwind(AssertUnwindSafe(|| -> Result<(), String> {
        let provider = &loaded().ok_or("the provider was not built")?.provider;
        let add = (*registrar).add.ok_or("the host's registrar has no add")?;
        for component in &provider.components {
            if component.handler.is_none() {
                return Err(format!("component '{}' has no handler: give it one with .handler(...)", component.key));
            }
            let mut strings = Registration { strings: Vec::new() };
            let raw = ffi::pb_component {
                struct_size: std::mem::size_of::<ffi::pb_component>() as u32,
                kind: component.kind,
                key: strings.required(&component.key)?,
                name: strings.text(&component.name)?,
                version: strings.text(&component.version)?,
                title: strings.text(&component.title)?,
                description: strings.text(&component.description)?,
                mime_type: strings.text(&component.mime_type)?,
                input_schema: strings.text(&component.input_schema)?,
                output_schema: strings.text(&component.output_schema)?,
                annotations: strings.text(&component.annotations)?,
                arguments: strings.text(&component.arguments)?,
                tags: strings.text(&component.tags)?,
                flags: component.flags,
                handler: Some(invoke),
                user_data: component as *const Component as *mut c_void,
                icons: strings.text(&component.icons)?,
            };
            // The host says what is wrong with a refused registration itself.
            if add(registrar, &raw) != 0 {
                return Err(String::new());
            }
        }
        if !provider.functions.is_empty() {
            let add_function = (*registrar).add_function.ok_or("the host's registrar has no add_function")?;
            for function in &provider.functions {
                let mut strings = Registration { strings: Vec::new() };
                let mut names: Vec<*const c_char> = Vec::new();
                for parameter in &function.parameters {
                    names.push(strings.required(parameter)?);
                }
                names.push(std::ptr::null());
                let status = add_function(
                    registrar,
                    strings.required(&function.name)?,
                    strings.text(&function.version)?,
                    strings.required(&function.signature)?,
                    function.address,
                    names.as_ptr(),
                    strings.text(&function.description)?,
                    function.flags,
                );
                if status != 0 {
                    return Err(String::new());
                }
            }
        }
        Ok(())
    }));
    match outcome {
        Ok(Ok(())) => 0,
        Ok(Err(message)) => {
            if !message.is_empty() {
                log(Level::Error, &message);
            }
            1
        }
        Err(payload) => {
            log(Level::Error, &format!("describe panicked: {}", panic_message(&*payload)));
            1
        }
    }
}

/// The one handler every component is registered with: user_data is its Component, state the host table.
unsafe extern "C" fn invoke(call: *mut ffi::pb_call, request: *const ffi::pb_request) -> i32 {
    let request = &*request;
    let host = &*(request.state as *const ffi::pb_host);
    let component = &*(request.user_data as *const Component);
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let arguments = borrowed_bytes(request.arguments, request.arguments_len)
            .ok_or_else(|| Error::invalid_arguments("the arguments are not UTF-8 JSON"))?;
        let context = Call { host, call, request, args: Args::new(arguments) };
        match &component.handler {
            Some(handler) => handler(&context),
            None => Err(Error::internal(format!("component '{}' has no handler", component.key))),
        }
    }));
    let answer = match outcome {
        Ok(answer) => answer,
        Err(payload) => Err(Error::failed(format!("panicked: {}", panic_message(&*payload)))),
    };
    match answer {
        Ok(output) => match (CString::new(output.json), host.set_result) {
            (Ok(json), Some(set_result)) => {
                set_result(call, json.as_ptr());
            }
            (Err(_), _) => set_error(host, call, Error::internal("the result contains a NUL byte")),
            (_, None) => {}
        },
        Err(error) => set_error(host, call, error),
    }
    ffi::PB_OK
}

unsafe fn set_error(host: &ffi::pb_host, call: *mut ffi::pb_call, error: Error) {
    if let Some(set_error) = host.set_error {
        let message = c_string(&error.message);
        set_error(call, error.code.raw(), message.as_ptr());
    }
}

/// Exports `plugboard_entry_v1` for the provider that `$make` (a `fn() -> plugboard::Provider`) builds. Use once
/// per library, at the crate's top level. The function runs once, when the host first asks for the entry.
#[macro_export]
macro_rules! export_provider {
    ($make:path) => {
        #[no_mangle]
        pub extern "C" fn plugboard_entry_v1() -> *const $crate::ffi::pb_entry {
            $crate::__private::entry($make)
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn structs_match_the_header_on_this_target() {
        // The 1.0 prefixes the host insists on (PB_ENTRY_MIN_SIZE, PB_COMPONENT_MIN_SIZE), and the full sizes: the
        // entry's 1.3 build signature is 4 bytes, padded to the struct's alignment.
        let build_end = 8 + 4 + 2 + 2 + 6 * std::mem::size_of::<usize>() + 4;
        let align = std::mem::align_of::<ffi::pb_entry>();
        assert_eq!(std::mem::size_of::<ffi::pb_entry>(), (build_end + align - 1) / align * align);
        assert_eq!(std::mem::size_of::<ffi::pb_component>(), 8 + 14 * std::mem::size_of::<usize>() + 8);
        assert_eq!(memoffset_meta_len(), 8 + 8 * std::mem::size_of::<usize>());
    }

    #[test]
    fn outputs_are_the_kinds_result_objects() {
        let prompt = Output::user_message("a \"b\"");
        assert_eq!(prompt.as_json(), r#"{"messages":[{"role":"user","content":{"type":"text","text":"a \"b\""}}]}"#);
        let resource = Output::resource_text("x://a", "text/plain", "hi");
        assert_eq!(resource.as_json(), r#"{"contents":[{"uri":"x://a","mimeType":"text/plain","text":"hi"}]}"#);
    }
}
