//! No SQL outside the storage layer, and none that the statement test does not prepare: read
//! from the source, so a new store or a query written in place fails here.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable source directory").flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

/// `deals/store/mod.rs` → `deals::store`, `audit/store.rs` → `audit::store`.
fn module_path(relative: &Path) -> String {
    let text = relative.with_extension("").display().to_string();
    text.trim_end_matches("/mod").replace('/', "::")
}

#[test]
fn sql_runs_only_in_store_modules_whose_statements_are_all_prepared() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let registry = std::fs::read_to_string(src.join("lib.rs")).expect("lib.rs");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut stores = 0;
    for file in files {
        let relative = file.strip_prefix(&src).expect("under src");
        let text = std::fs::read_to_string(&file).expect("readable source");
        let path = module_path(relative);
        let storage = path.starts_with("db") || path.contains("store");
        if text.contains("sqlx::query") {
            assert!(storage, "{path} runs SQL: move it into its feature's store");
        }
        if text.contains("statements! {") && !path.starts_with("db") {
            stores += 1;
            let listed = registry.contains(&format!("{path}::STATEMENTS"))
                || registry.contains(&format!("{}::STATEMENTS", path.trim_end_matches("::store")));
            assert!(listed, "{path} declares statements that `every_statement` in lib.rs does not list");
        }
    }
    assert!(stores >= 9, "{stores} stores found");
}
