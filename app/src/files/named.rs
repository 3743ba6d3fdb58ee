//! A sent file's type, read from its content (`infer`) and checked against the name it came
//! under, and the names it is kept and offered by.

use super::FileType;

/// A file a form accepts: its type, and the name to offer it under.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checked {
    pub kind: FileType,
    pub name: String,
}

/// Checks a file sent as `name` against the `kinds` a form accepts, as read from its content,
/// and that it is named as what it is (a name without an ending is given the usual one).
/// Anything else is refused with what the file turned out to be; `accepts` ends that sentence
/// ("the library keeps PDF, … files").
pub fn check(name: &str, bytes: &[u8], kinds: &[FileType], accepts: &str) -> Result<Checked, String> {
    let found = infer::get(bytes);
    let Some(kind) = found.and_then(|found| kinds.iter().copied().find(|kind| kind.media_type == found.mime_type()))
    else {
        let what = match found {
            Some(found) => format!("This file's content is {} (.{})", found.mime_type(), found.extension()),
            None => "Tessera cannot tell what this file is from its content".to_owned(),
        };
        return Err(format!("{what}; {accepts}."));
    };
    let name = file_name(name);
    let ending = name.rsplit_once('.').map(|(_, ending)| ending.to_ascii_lowercase());
    match ending {
        Some(ending) if kind.extensions.contains(&ending.as_str()) => Ok(Checked { kind, name }),
        Some(ending) if kinds.iter().any(|other| other.extensions.contains(&ending.as_str())) => Err(format!(
            "This file is {} {}, not the .{ending} its name says: rename it .{} or choose the right file.",
            article_for(kind.label),
            kind.label,
            kind.extensions[0]
        )),
        Some(ending) => Err(format!(
            "This file is {} {}, but its name ends .{ending}: rename it .{}.",
            article_for(kind.label),
            kind.label,
            kind.extensions[0]
        )),
        None => Ok(Checked { name: format!("{name}.{}", kind.extensions[0]), kind }),
    }
}

/// The file's own name without any folder, control character or quote, at most 120 characters
/// ("file" when nothing is left).
pub fn file_name(sent: &str) -> String {
    let base = sent.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String =
        base.chars().filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>' | ':' | '|' | '?' | '*')).collect();
    let cleaned = cleaned.trim().trim_start_matches('.');
    let kept: String = match cleaned.char_indices().nth(120) {
        Some(_) => {
            // Keep the ending: "a very long … name.pdf" keeps ".pdf".
            let ending = cleaned.rsplit_once('.').map(|(_, ending)| ending).filter(|ending| ending.len() <= 8);
            let room = 120 - ending.map_or(0, |ending| ending.chars().count() + 1);
            let start: String = cleaned.chars().take(room).collect();
            match ending {
                Some(ending) => format!("{start}.{ending}"),
                None => start,
            }
        }
        None => cleaned.to_owned(),
    };
    if kept.is_empty() { "file".to_owned() } else { kept }
}

fn article_for(word: &str) -> &'static str {
    match word.chars().next().map(|c| c.to_ascii_lowercase()) {
        Some('a' | 'e' | 'i' | 'o' | 'u') => "an",
        _ => "a",
    }
}

/// The `Content-Disposition` of a download named `name`: an attachment, with a plain fallback
/// name and the name itself, percent-encoded (RFC 6266 and 8187).
pub fn attachment(name: &str) -> String {
    let plain: String =
        name.chars().map(|c| if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' { c } else { '_' }).collect();
    let encoded: String = name
        .bytes()
        .map(|byte| match byte {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'.' | b'-' | b'_' | b'~' => (byte as char).to_string(),
            byte => format!("%{byte:02X}"),
        })
        .collect();
    format!("attachment; filename=\"{plain}\"; filename*=UTF-8''{encoded}")
}
