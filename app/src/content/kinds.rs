//! The types of file the library keeps, as the upload form offers them and the server checks them
//! ([`super::file`]).

use crate::files::{FileType, JPEG, PDF, PNG};

/// Every type the library keeps.
pub const KEPT: &[FileType] = &[
    PDF,
    FileType {
        media_type: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        label: "PowerPoint presentation",
        extensions: &["pptx"],
    },
    FileType {
        media_type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        label: "Word document",
        extensions: &["docx"],
    },
    FileType {
        media_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        label: "Excel workbook",
        extensions: &["xlsx"],
    },
    PNG,
    JPEG,
    FileType { media_type: "image/webp", label: "WebP image", extensions: &["webp"] },
    FileType { media_type: "video/mp4", label: "MP4 video", extensions: &["mp4"] },
    FileType { media_type: "application/zip", label: "ZIP archive", extensions: &["zip"] },
];

/// "PDF, PowerPoint, Word, Excel, PNG, JPEG, WebP, MP4 or ZIP": what the upload field says it takes.
pub fn kept_text() -> String {
    crate::files::kinds_text(KEPT)
}

/// The library's file type for a media type it stored.
pub fn kept_type(media_type: &str) -> Option<FileType> {
    KEPT.iter().copied().find(|kind| kind.media_type == media_type)
}

/// What the upload field's file chooser offers (by type, and by ending for the Office files
/// browsers may not name).
pub const ACCEPTED: &str =
    "application/pdf,.pdf,.pptx,.docx,.xlsx,image/png,image/jpeg,image/webp,video/mp4,.mp4,application/zip,.zip";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_chooser_offers_every_kept_type() {
        for kind in KEPT {
            assert!(
                kind.extensions.iter().any(|ending| ACCEPTED.split(',').any(|offered| offered == format!(".{ending}")))
                    || ACCEPTED.split(',').any(|offered| offered == kind.media_type),
                "{} is kept but not offered",
                kind.label
            );
        }
        assert_eq!(kept_text(), "PDF, PowerPoint, Word, Excel, PNG, JPEG, WebP, MP4 or ZIP");
    }
}
