//! Typed functions: a plain `extern "C" fn` registered as a tool. The host builds its input schema from the
//! parameter types and names, checks the arguments, calls it through libffi and sends the result as text and
//! `structuredContent: {"result": value}` — no JSON in the author's code.
//!
//! The signature letters come from the Rust types, so they cannot disagree with the function. A typed function
//! must not panic: a panic cannot be caught across the `extern "C"` call the host makes (write a `tool` with a
//! closure for work that may fail).
use std::os::raw::c_char;

use crate::ffi;

/// A parameter or return type the host's typed functions know, with its signature letter.
pub trait FunctionValue {
    const LETTER: char;
}
impl FunctionValue for f64 {
    const LETTER: char = 'd';
}
impl FunctionValue for i32 {
    const LETTER: char = 'i';
}
impl FunctionValue for i64 {
    const LETTER: char = 'l';
}
impl FunctionValue for bool {
    const LETTER: char = 'b';
}
/// A UTF-8 string parameter, borrowed for the call (never a return type).
impl FunctionValue for *const c_char {
    const LETTER: char = 's';
}
/// The unit return: the function answers with nothing.
impl FunctionValue for () {
    const LETTER: char = 'v';
}

/// An `extern "C" fn` the host can call: its signature string (`"d(dd)"`) and its address.
pub trait TypedFunction {
    fn signature() -> String;
    fn address(self) -> ffi::pb_function;
}

macro_rules! typed_function {
    ($($parameter:ident),*) => {
        impl<R: FunctionValue, $($parameter: FunctionValue),*> TypedFunction for extern "C" fn($($parameter),*) -> R {
            fn signature() -> String {
                let mut signature = String::new();
                signature.push(R::LETTER);
                signature.push('(');
                $(signature.push($parameter::LETTER);)*
                signature.push(')');
                signature
            }
            fn address(self) -> ffi::pb_function {
                // The host casts it back to the signature it was registered with.
                Some(unsafe { std::mem::transmute::<*const (), unsafe extern "C" fn()>(self as *const ()) })
            }
        }
    };
}
typed_function!();
typed_function!(A);
typed_function!(A, B);
typed_function!(A, B, C);
typed_function!(A, B, C, D);
typed_function!(A, B, C, D, E);
typed_function!(A, B, C, D, E, F);

/// A typed function, as `Provider::function` takes it.
pub struct Function {
    pub(crate) name: String,
    pub(crate) version: Option<String>,
    pub(crate) description: Option<String>,
    pub(crate) signature: String,
    pub(crate) parameters: Vec<String>,
    pub(crate) address: ffi::pb_function,
    pub(crate) flags: u32,
}

/// `name`'s parameters are named by `parameters`, in order:
/// `function("add", &["a", "b"], add as extern "C" fn(f64, f64) -> f64)`.
pub fn function<T: TypedFunction>(name: &str, parameters: &[&str], function: T) -> Function {
    Function {
        name: name.to_string(),
        version: None,
        description: None,
        signature: T::signature(),
        parameters: parameters.iter().map(|p| p.to_string()).collect(),
        address: function.address(),
        flags: 0,
    }
}

impl Function {
    pub fn version(mut self, version: &str) -> Function {
        self.version = Some(version.to_string());
        self
    }
    pub fn description(mut self, text: &str) -> Function {
        self.description = Some(text.to_string());
        self
    }
    /// May run concurrently with itself (a pure function usually may).
    pub fn reentrant(mut self) -> Function {
        self.flags |= ffi::PB_FLAG_REENTRANT;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    extern "C" fn add(a: f64, b: f64) -> f64 {
        a + b
    }
    extern "C" fn shout(_text: *const c_char, _times: i32) -> bool {
        true
    }
    extern "C" fn nothing() {}

    #[test]
    fn signatures_follow_the_types() {
        assert_eq!(<extern "C" fn(f64, f64) -> f64 as TypedFunction>::signature(), "d(dd)");
        assert_eq!(function("shout", &["text", "times"], shout as extern "C" fn(*const c_char, i32) -> bool).signature, "b(si)");
        assert_eq!(function("nothing", &[], nothing as extern "C" fn()).signature, "v()");
        assert!(function("add", &["a", "b"], add as extern "C" fn(f64, f64) -> f64).address.is_some());
    }
}
