//! Just enough JSON for a provider: read the top-level members of the argument object, and write objects and
//! string literals. The host hands over valid JSON, so the reader is small; it still never panics on malformed
//! text (a member it cannot read counts as absent).

use crate::Error;

/// `s` as a JSON string literal, quotes included.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A number as JSON. NaN and the infinities have no JSON spelling: they are written as null.
pub fn number(value: f64) -> String {
    if value.is_finite() {
        // Rust prints the shortest text that reads back as the same f64, never an exponent: valid JSON.
        format!("{}", value)
    } else {
        "null".to_string()
    }
}

/// A JSON object, member by member.
#[derive(Clone, Debug, Default)]
pub struct Object {
    members: String,
}

impl Object {
    pub fn new() -> Object {
        Object::default()
    }
    pub fn string(self, key: &str, value: &str) -> Object {
        let value = quote(value);
        self.raw(key, &value)
    }
    pub fn number(self, key: &str, value: f64) -> Object {
        let value = number(value);
        self.raw(key, &value)
    }
    pub fn boolean(self, key: &str, value: bool) -> Object {
        self.raw(key, if value { "true" } else { "false" })
    }
    /// `json` is written as is: a nested object or array built elsewhere.
    pub fn raw(mut self, key: &str, json: &str) -> Object {
        if !self.members.is_empty() {
            self.members.push(',');
        }
        self.members.push_str(&quote(key));
        self.members.push(':');
        self.members.push_str(json);
        self
    }
    /// The object's JSON text.
    pub fn to_json(&self) -> String {
        format!("{{{}}}", self.members)
    }
}

/// The top-level members of a JSON object the host handed over (borrowed for the call). Getters without a
/// fallback return an invalid-arguments error naming the member when it is absent; every getter returns one when
/// the member has another type. Keys are compared after decoding.
#[derive(Clone, Copy, Debug)]
pub struct Args<'a> {
    json: &'a str,
}

impl<'a> Args<'a> {
    pub fn new(json: &'a str) -> Args<'a> {
        Args { json }
    }
    /// The whole object, as the client sent it.
    pub fn json(&self) -> &'a str {
        self.json
    }
    pub fn has(&self, key: &str) -> bool {
        self.raw(key).is_some()
    }
    /// The member's JSON text (an object, array, number...), or None if absent.
    pub fn raw(&self, key: &str) -> Option<&'a str> {
        let bytes = self.json.as_bytes();
        let mut i = skip_ws(bytes, 0);
        if bytes.get(i) != Some(&b'{') {
            return None;
        }
        i = skip_ws(bytes, i + 1);
        if bytes.get(i) == Some(&b'}') {
            return None;
        }
        loop {
            let key_end = skip_string(bytes, i)?;
            let name = decode_string(&self.json[i..key_end])?;
            i = skip_ws(bytes, key_end);
            if bytes.get(i) != Some(&b':') {
                return None;
            }
            let start = skip_ws(bytes, i + 1);
            let end = skip_value(bytes, start)?;
            if name == key {
                return Some(&self.json[start..end]);
            }
            i = skip_ws(bytes, end);
            match bytes.get(i) {
                Some(b',') => i = skip_ws(bytes, i + 1),
                _ => return None,
            }
        }
    }

    pub fn string(&self, key: &str) -> Result<String, Error> {
        required(self.string_opt(key)?, key, "a string")
    }
    pub fn string_or(&self, key: &str, fallback: &str) -> Result<String, Error> {
        Ok(self.string_opt(key)?.unwrap_or_else(|| fallback.to_string()))
    }
    pub fn number(&self, key: &str) -> Result<f64, Error> {
        required(self.number_opt(key)?, key, "a number")
    }
    pub fn number_or(&self, key: &str, fallback: f64) -> Result<f64, Error> {
        Ok(self.number_opt(key)?.unwrap_or(fallback))
    }
    pub fn boolean(&self, key: &str) -> Result<bool, Error> {
        required(self.boolean_opt(key)?, key, "true or false")
    }
    pub fn boolean_or(&self, key: &str, fallback: bool) -> Result<bool, Error> {
        Ok(self.boolean_opt(key)?.unwrap_or(fallback))
    }

    /// The member as a string: None if absent, an error if it is something else.
    pub fn string_opt(&self, key: &str) -> Result<Option<String>, Error> {
        match self.raw(key) {
            None => Ok(None),
            Some(text) => decode_string(text).map(Some).ok_or_else(|| mistyped(key, "a string")),
        }
    }
    pub fn number_opt(&self, key: &str) -> Result<Option<f64>, Error> {
        match self.raw(key) {
            None => Ok(None),
            Some(text) => match text.parse::<f64>() {
                Ok(value) if text.starts_with(|c: char| c == '-' || c.is_ascii_digit()) => Ok(Some(value)),
                _ => Err(mistyped(key, "a number")),
            },
        }
    }
    pub fn boolean_opt(&self, key: &str) -> Result<Option<bool>, Error> {
        match self.raw(key) {
            None => Ok(None),
            Some("true") => Ok(Some(true)),
            Some("false") => Ok(Some(false)),
            Some(_) => Err(mistyped(key, "true or false")),
        }
    }
}

fn required<T>(value: Option<T>, key: &str, what: &str) -> Result<T, Error> {
    value.ok_or_else(|| Error::invalid_arguments(format!("argument '{}' is required: {}", key, what)))
}

fn mistyped(key: &str, what: &str) -> Error {
    Error::invalid_arguments(format!("argument '{}' must be {}", key, what))
}

fn skip_ws(bytes: &[u8], mut i: usize) -> usize {
    while let Some(b' ' | b'\t' | b'\n' | b'\r') = bytes.get(i) {
        i += 1;
    }
    i
}

/// The index just past the string literal starting at `i`.
fn skip_string(bytes: &[u8], i: usize) -> Option<usize> {
    if bytes.get(i) != Some(&b'"') {
        return None;
    }
    let mut j = i + 1;
    loop {
        match bytes.get(j)? {
            b'"' => return Some(j + 1),
            b'\\' => j += 2,
            _ => j += 1,
        }
    }
}

/// The index just past the value starting at `i`.
fn skip_value(bytes: &[u8], i: usize) -> Option<usize> {
    match bytes.get(i)? {
        b'"' => skip_string(bytes, i),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut j = i;
            loop {
                match bytes.get(j)? {
                    b'"' => {
                        j = skip_string(bytes, j)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
        }
        _ => {
            let mut j = i;
            while let Some(c) = bytes.get(j) {
                if matches!(c, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r') {
                    break;
                }
                j += 1;
            }
            if j == i {
                None
            } else {
                Some(j)
            }
        }
    }
}

/// The text of a JSON string literal (quotes included), decoded; None if `text` is not one.
fn decode_string(text: &str) -> Option<String> {
    let inner = text.strip_prefix('"')?.strip_suffix('"')?;
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            '"' => out.push('"'),
            '\\' => out.push('\\'),
            '/' => out.push('/'),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'u' => {
                let high = hex4(&mut chars)?;
                let code = if (0xD800..0xDC00).contains(&high) {
                    // A surrogate pair: the low half must follow as its own escape.
                    if chars.next()? != '\\' || chars.next()? != 'u' {
                        return None;
                    }
                    let low = hex4(&mut chars)?;
                    if !(0xDC00..0xE000).contains(&low) {
                        return None;
                    }
                    0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
                } else {
                    high
                };
                out.push(char::from_u32(code)?);
            }
            _ => return None,
        }
    }
    Some(out)
}

fn hex4(chars: &mut std::str::Chars<'_>) -> Option<u32> {
    let mut value = 0;
    for _ in 0..4 {
        value = value * 16 + chars.next()?.to_digit(16)?;
    }
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_top_level_members_only() {
        let args = Args::new(r#" {"nested":{"text":"inner","n":[1,{"x":2}]}, "te\u0078t" : "a \"b\"\n\ud83d\ude00", "n": -2.5e1, "b":false} "#);
        assert_eq!(args.string("text").unwrap(), "a \"b\"\n\u{1F600}");
        assert_eq!(args.number("n").unwrap(), -25.0);
        assert!(!args.boolean("b").unwrap());
        assert_eq!(args.raw("nested"), Some(r#"{"text":"inner","n":[1,{"x":2}]}"#));
        assert!(args.string("missing").is_err());
        assert_eq!(args.string_or("missing", "x").unwrap(), "x");
        assert!(args.number("text").is_err());
        assert!(args.string("n").is_err());
    }

    #[test]
    fn writes_what_it_reads() {
        let text = "tab\there \"quoted\" \u{1} done";
        let json = Object::new().string("s", text).number("n", 0.1).boolean("b", true).to_json();
        let args = Args::new(&json);
        assert_eq!(args.string("s").unwrap(), text);
        assert_eq!(args.number("n").unwrap(), 0.1);
        assert!(args.boolean("b").unwrap());
        assert_eq!(number(f64::NAN), "null");
    }
}
