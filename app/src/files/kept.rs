//! A form with a file read within its bounds ([`read_form`]), and the files
//! kept under the data directory, each named by the SHA-256 of its content ([`FileStore`]).

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::AppError;

/// What a form with a file may carry besides the file: its other fields, generously.
pub const FORM_ALLOWANCE: usize = 64 * 1024;

/// The file a form must carry: the field it comes in, what it is called in messages ("a logo"),
/// and the most it may weigh.
#[derive(Clone, Copy, Debug)]
pub struct FileField {
    pub name: &'static str,
    pub called: &'static str,
    pub max_bytes: usize,
}

/// A form with a file, as posted: its text fields in order, and the file with its name.
#[derive(Clone, Debug, Default)]
pub struct PostedForm {
    pub fields: Vec<(String, String)>,
    pub file: Option<PostedFile>,
}

#[derive(Clone, Debug)]
pub struct PostedFile {
    /// The name the sender's computer gave it (a hint only: its type is read from its content).
    pub name: String,
    pub bytes: Vec<u8>,
}

impl PostedForm {
    /// The first value of the field `name` (empty when absent).
    pub fn text(&self, name: &str) -> String {
        self.fields.iter().find(|(field, _)| field == name).map(|(_, value)| value.clone()).unwrap_or_default()
    }

    /// Every value of the field `name` (a group of check boxes).
    pub fn all(&self, name: &str) -> Vec<String> {
        self.fields.iter().filter(|(field, _)| field == name).map(|(_, value)| value.clone()).collect()
    }
}

/// Why a file of `bytes` is too large for `field`: "The file is 31.2 MB; a file for the library
/// may be at most 25 MB."
pub fn size_refusal(bytes: usize, field: FileField) -> String {
    refusal(&format!("{:.1} MB", megabytes(bytes)), field)
}

/// Why a request that went on past `bytes` was not kept: "The file is more than 26 MB; …".
fn beyond_refusal(bytes: usize, field: FileField) -> String {
    refusal(&format!("more than {:.0} MB", megabytes(bytes).ceil()), field)
}

fn refusal(size: &str, field: FileField) -> String {
    format!("The file is {size}; {} may be at most {:.0} MB.", field.called, megabytes(field.max_bytes))
}

fn megabytes(bytes: usize) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

/// Reads a posted form with one file, `field`: every text field, and the file's bytes up to one
/// past its limit, so a larger file is told its size without being kept whole. What comes past
/// the file's limit and [`FORM_ALLOWANCE`] is read and dropped, so the sender hears the answer
/// instead of a broken connection; past four times that, reading stops. A sender cannot make the
/// server keep more by adding fields.
pub async fn read_form(data: server_fn::codec::MultipartData, field: FileField) -> Result<PostedForm, AppError> {
    let unreadable = |_| AppError::field(field.name, "The upload broke off: choose the file and send it again.");
    let most = field.max_bytes + FORM_ALLOWANCE;
    let mut multipart = data.into_inner().ok_or(AppError::Internal)?;
    let (mut form, mut read, mut file_size) = (PostedForm::default(), 0usize, 0usize);
    while let Some(mut part) = multipart.next_field().await.map_err(unreadable)? {
        let name = part.name().unwrap_or_default().to_owned();
        let is_file = name == field.name && form.file.is_none();
        let file_name = part.file_name().unwrap_or_default().to_owned();
        let (mut kept, mut size) = (Vec::new(), 0usize);
        while let Some(chunk) = part.chunk().await.map_err(unreadable)? {
            (read, size) = (read + chunk.len(), size + chunk.len());
            if read > 4 * most {
                return Err(AppError::field(field.name, beyond_refusal(4 * most, field)));
            }
            let limit = if is_file { field.max_bytes + 1 } else { FORM_ALLOWANCE };
            if read <= most {
                kept.extend_from_slice(&chunk[..chunk.len().min(limit.saturating_sub(kept.len()))]);
            }
        }
        match is_file {
            true => {
                file_size = size;
                form.file = Some(PostedFile { name: file_name, bytes: kept });
            }
            false => form.fields.push((name, String::from_utf8_lossy(&kept).into_owned())),
        }
    }
    match &form.file {
        _ if file_size > field.max_bytes => Err(AppError::field(field.name, size_refusal(file_size, field))),
        _ if read > most => Err(AppError::field(field.name, beyond_refusal(most, field))),
        Some(file) if !file.bytes.is_empty() => Ok(form),
        _ => Err(AppError::field(field.name, format!("Choose {} to upload.", field.called))),
    }
}

/// The files kept under the data directory (`files/ab/abcdef…`, by the SHA-256 of the content):
/// the same content uploaded twice is kept once, and a file is never changed in place.
#[derive(Clone, Debug)]
pub struct FileStore {
    root: PathBuf,
}

impl FileStore {
    /// The store under `data_dir`.
    pub fn new(data_dir: &Path) -> FileStore {
        FileStore { root: data_dir.join("files") }
    }

    /// The name `bytes` are kept under: their SHA-256, in lower-case hex.
    pub fn hash(bytes: &[u8]) -> String {
        Sha256::digest(bytes).iter().map(|byte| format!("{byte:02x}")).collect()
    }

    /// Where the file named `hash` is kept; `None` for anything but a SHA-256 in hex, so no name
    /// can reach outside the store.
    fn path(&self, hash: &str) -> Option<PathBuf> {
        let valid = hash.len() == 64 && hash.bytes().all(|byte| matches!(byte, b'0'..=b'9' | b'a'..=b'f'));
        valid.then(|| self.root.join(&hash[..2]).join(hash))
    }

    /// Keeps `bytes`, returning their hash. Written to a temporary file first and then renamed, so
    /// a file under its hash is always whole, even if the server is stopped mid-write.
    pub async fn put(&self, bytes: &[u8]) -> std::io::Result<String> {
        let hash = FileStore::hash(bytes);
        let path = self.path(&hash).ok_or_else(|| std::io::Error::other("not a hash"))?;
        if tokio::fs::try_exists(&path).await? {
            return Ok(hash);
        }
        let dir = path.parent().ok_or_else(|| std::io::Error::other("no folder"))?;
        tokio::fs::create_dir_all(dir).await?;
        let mut unique = [0u8; 8];
        getrandom::fill(&mut unique).map_err(std::io::Error::other)?;
        let partial = dir.join(format!(".{hash}.{}.part", u64::from_le_bytes(unique)));
        let written = async {
            use tokio::io::AsyncWriteExt;
            let mut file = tokio::fs::File::create(&partial).await?;
            file.write_all(bytes).await?;
            file.sync_all().await?;
            tokio::fs::rename(&partial, &path).await
        }
        .await;
        if written.is_err() {
            let _ = tokio::fs::remove_file(&partial).await;
        }
        written.map(|()| hash)
    }

    /// The file named `hash`, opened for reading; `None` when it is not kept.
    pub async fn open(&self, hash: &str) -> std::io::Result<Option<tokio::fs::File>> {
        let Some(path) = self.path(hash) else { return Ok(None) };
        match tokio::fs::File::open(path).await {
            Ok(file) => Ok(Some(file)),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(error),
        }
    }

    /// Whether the file named `hash` is kept.
    pub async fn has(&self, hash: &str) -> bool {
        match self.path(hash) {
            Some(path) => tokio::fs::try_exists(path).await.unwrap_or(false),
            None => false,
        }
    }

    /// Removes the file named `hash` (nothing when it is not kept).
    pub async fn remove(&self, hash: &str) -> std::io::Result<()> {
        let Some(path) = self.path(hash) else { return Ok(()) };
        match tokio::fs::remove_file(path).await {
            Err(error) if error.kind() != std::io::ErrorKind::NotFound => Err(error),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIBRARY: FileField =
        FileField { name: "file", called: "a file for the library", max_bytes: 25 * 1024 * 1024 };

    #[test]
    fn a_refusal_says_the_size_and_the_limit() {
        assert_eq!(
            size_refusal(31 * 1024 * 1024 + 200 * 1024, LIBRARY),
            "The file is 31.2 MB; a file for the library may be at most 25 MB."
        );
        let logo = FileField { name: "logo", called: "a logo", max_bytes: 1024 * 1024 };
        assert_eq!(size_refusal(1363149, logo), "The file is 1.3 MB; a logo may be at most 1 MB.");
        assert_eq!(
            beyond_refusal(4 * (1024 * 1024 + FORM_ALLOWANCE), logo),
            "The file is more than 5 MB; a logo may be at most 1 MB."
        );
    }

    #[test]
    fn only_a_hash_names_a_kept_file() {
        let store = FileStore::new(Path::new("/data"));
        let hash = FileStore::hash(b"brochure");
        assert_eq!(hash.len(), 64);
        assert_eq!(store.path(&hash), Some(PathBuf::from(format!("/data/files/{}/{hash}", &hash[..2]))));
        for bad in ["../../etc/passwd", "", "ABCDEF", &hash.to_uppercase(), &format!("{}/..", &hash[..61])] {
            assert_eq!(store.path(bad), None, "{bad}");
        }
    }

    #[tokio::test]
    async fn the_same_content_is_kept_once_and_read_back_whole() {
        use tokio::io::AsyncReadExt;
        let dir = std::env::temp_dir().join(format!("tessera-files-{}", FileStore::hash(b"unique test dir")));
        let store = FileStore::new(&dir);
        let first = store.put(b"price list").await.expect("kept");
        let second = store.put(b"price list").await.expect("kept again");
        assert_eq!(first, second);
        let mut read = String::new();
        store.open(&first).await.expect("opens").expect("kept").read_to_string(&mut read).await.expect("reads");
        assert_eq!(read, "price list");
        store.remove(&first).await.expect("removed");
        assert!(!store.has(&first).await);
        assert!(store.open(&first).await.expect("asks").is_none());
        let _ = std::fs::remove_dir_all(dir);
    }
}
