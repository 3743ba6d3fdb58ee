//! Files people upload: the types a form accepts ([`FileType`]), read from the content and never
//! from the name ([`check`]); a form with a file read within its bounds ([`read_form`]); and the
//! files kept under the data directory, each named by the SHA-256 of its content ([`FileStore`]).

#[cfg(feature = "ssr")]
mod kept;
#[cfg(feature = "ssr")]
mod named;

#[cfg(feature = "ssr")]
pub use self::kept::*;
#[cfg(feature = "ssr")]
pub use self::named::{Checked, attachment, check, file_name};

/// A type of file a form accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileType {
    pub media_type: &'static str,
    /// What people call it: "PDF", "PowerPoint presentation".
    pub label: &'static str,
    /// The name endings it is known by, the usual one first.
    pub extensions: &'static [&'static str],
}

pub const PDF: FileType = FileType { media_type: "application/pdf", label: "PDF", extensions: &["pdf"] };
pub const PNG: FileType = FileType { media_type: "image/png", label: "PNG image", extensions: &["png"] };
pub const JPEG: FileType = FileType { media_type: "image/jpeg", label: "JPEG image", extensions: &["jpg", "jpeg"] };

/// "PDF, PNG or JPEG": the short names of `kinds`, as an upload field lists what it takes.
pub fn kinds_text(kinds: &[FileType]) -> String {
    let names: Vec<&str> = kinds.iter().map(|kind| kind.label.split(' ').next().unwrap_or(kind.label)).collect();
    match names.split_last() {
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// "2.4 MB", "310 KB".
pub fn size_text(bytes: i64) -> String {
    match bytes {
        bytes if bytes >= 1024 * 1024 => format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0)),
        bytes => format!("{} KB", (bytes + 1023) / 1024),
    }
}
