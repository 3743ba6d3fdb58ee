//! The site's static files (`/pkg`): compressed once at build time, at the highest brotli and
//! gzip levels (`tessera compress-assets`), and served as they are, with a year's
//! `Cache-Control: immutable` when their names carry their content's hash, so browsers ask for
//! each only once and the server never compresses them per request.

use std::io::Write;
use std::path::{Path, PathBuf};

use axum::Router;
use axum::http::{HeaderValue, header};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

/// Files whose compressed copies are worth keeping (text and WASM).
fn compressible(path: &Path) -> bool {
    matches!(path.extension().and_then(|e| e.to_str()), Some("wasm" | "js" | "css" | "json" | "svg" | "html" | "txt"))
}

/// How hard to compress: the highest levels for what is served to people, quicker ones for the
/// debug build the tests load.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effort {
    Best,
    Quick,
}

/// Writes `name.br` and `name.gz` beside each compressible file under `dir` that has none newer
/// than itself; answers how many files were compressed.
pub fn compress_dir(dir: &Path, effort: Effort) -> std::io::Result<usize> {
    let mut done = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else if compressible(&path) && !up_to_date(&path)? {
                compress_file(&path, effort)?;
                done += 1;
            }
        }
    }
    Ok(done)
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn up_to_date(path: &Path) -> std::io::Result<bool> {
    let modified = std::fs::metadata(path)?.modified()?;
    let newer =
        |suffix| std::fs::metadata(with_suffix(path, suffix)).and_then(|m| m.modified()).is_ok_and(|at| at >= modified);
    Ok(newer(".br") && newer(".gz"))
}

fn compress_file(path: &Path, effort: Effort) -> std::io::Result<()> {
    let bytes = std::fs::read(path)?;
    let mut brotli = Vec::new();
    let (quality, level) = match effort {
        Effort::Best => (11, flate2::Compression::best()),
        Effort::Quick => (5, flate2::Compression::default()),
    };
    let params = brotli::enc::BrotliEncoderParams { quality, lgwin: 24, ..Default::default() };
    brotli::BrotliCompress(&mut bytes.as_slice(), &mut brotli, &params)?;
    std::fs::write(with_suffix(path, ".br"), brotli)?;
    let mut gzip = flate2::write::GzEncoder::new(Vec::new(), level);
    gzip.write_all(&bytes)?;
    std::fs::write(with_suffix(path, ".gz"), gzip.finish()?)?;
    Ok(())
}

/// `/pkg`, served from `dir` with the precompressed copies; immutable for a year when the build
/// names files by their hash (`hash-files`), otherwise checked again on every use.
pub fn pkg_routes<S: Clone + Send + Sync + 'static>(dir: PathBuf, hashed: bool) -> Router<S> {
    let cache = if hashed { "public, max-age=31536000, immutable" } else { "no-cache" };
    let files = ServeDir::new(dir).precompressed_br().precompressed_gzip();
    Router::new()
        .nest_service("/pkg", files)
        .layer(SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, HeaderValue::from_static(cache)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_file_gets_brotli_and_gzip_copies_once() {
        let dir = tempfile::tempdir().expect("directory");
        let wasm = dir.path().join("app.abc123.wasm");
        std::fs::write(&wasm, vec![7u8; 50_000]).expect("write");
        std::fs::write(dir.path().join("notes.bin"), b"not compressed").expect("write");
        assert_eq!(compress_dir(dir.path(), Effort::Best).expect("compress"), 1);
        let brotli = std::fs::read(with_suffix(&wasm, ".br")).expect("brotli copy");
        assert!(brotli.len() < 1_000, "{} bytes", brotli.len());
        let mut unpacked = Vec::new();
        brotli::BrotliDecompress(&mut brotli.as_slice(), &mut unpacked).expect("decompress");
        assert_eq!(unpacked, vec![7u8; 50_000]);
        assert!(with_suffix(&wasm, ".gz").exists());
        assert_eq!(compress_dir(dir.path(), Effort::Quick).expect("again"), 0, "up to date");
    }
}
