//! Which files the library keeps: the type is read from the content, never from the name, and a
//! name that says another type than the content is refused as a disguise ([`crate::files::check`]).

use super::MAX_CONTENT_BYTES;
use super::kinds::{KEPT, kept_text};
use crate::files::Checked;
use crate::files::size_text;

/// Checks a file sent as `name`: at most [`MAX_CONTENT_BYTES`], of a type the library keeps as
/// read from its content, and named as what it is.
pub fn check(name: &str, bytes: &[u8]) -> Result<Checked, String> {
    if bytes.len() > MAX_CONTENT_BYTES {
        return Err(format!(
            "The file is {}; the library keeps files of at most {}.",
            size_text(bytes.len() as i64),
            size_text(MAX_CONTENT_BYTES as i64)
        ));
    }
    crate::files::check(name, bytes, KEPT, &format!("the library keeps {} files", kept_text()))
}
