//! Dependencies point one way: each top-level module of the app uses only modules below it in
//! [`ORDER`] — plain values at the bottom, then storage, money (whose rates are stored), shared server state, identity and
//! access, the design system and frame, and the features, each using only the ones before it.
//! Read from the source, so a new `use` that points upward fails here.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const ORDER: &[&str] = &[
    "error",
    "text",
    "markdown",
    "files",
    "db",
    "money",
    "events",
    "state",
    "mail",
    "audit",
    "auth",
    "ui",
    "live",
    "notifications",
    "layout",
    "webhooks",
    "agreement",
    "training",
    "tiers",
    "incentives",
    "deals",
    "kpi",
    "onboarding",
    "team",
    "partners",
    "lists",
    "content",
    "campaigns",
    "locator",
    "api",
    "sso",
    "home",
    "admin",
    "account",
];

/// Macros exported at the crate root by the storage layer.
const DB_MACROS: &[&str] = &["on_db", "on_tx", "bind_all", "execute_in", "statements", "stored_as_text"];
/// Macros exported at the crate root by identity and access: the SQL of who is signed in.
const AUTH_MACROS: &[&str] = &["session_user_columns", "agreement_due_column"];

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

/// The top-level modules a source text names through `crate::`, comments aside (a doc link is
/// not a dependency).
fn uses(text: &str) -> BTreeSet<String> {
    let code: String = text.lines().filter(|line| !line.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n");
    let mut used = BTreeSet::new();
    let mut rest = code.as_str();
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        let names: Vec<String> = if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            group[..end].split(',').map(|name| name.trim().split("::").next().unwrap_or("").to_owned()).collect()
        } else {
            vec![rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect()]
        };
        for name in names {
            let name = match name.as_str() {
                name if DB_MACROS.contains(&name) => "db".to_owned(),
                name if AUTH_MACROS.contains(&name) => "auth".to_owned(),
                _ => name,
            };
            if !name.is_empty() {
                used.insert(name);
            }
        }
    }
    used
}

#[test]
fn every_module_uses_only_the_modules_below_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut upward: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in files {
        let relative = file.strip_prefix(&src).expect("under src");
        let first = relative.components().next().and_then(|c| c.as_os_str().to_str()).unwrap_or_default();
        let module = first.trim_end_matches(".rs");
        if module == "lib" {
            continue; // The root puts the pages together.
        }
        let rank = ORDER.iter().position(|m| *m == module);
        assert!(rank.is_some(), "{module} is a new top-level module: give it its place in ORDER");
        let text = std::fs::read_to_string(&file).expect("readable source");
        for used in uses(&text) {
            if used == module {
                continue;
            }
            let used_rank = ORDER.iter().position(|m| *m == used);
            if used_rank.is_none_or(|used_rank| Some(used_rank) > rank) {
                upward.entry(format!("{}", relative.display())).or_default().insert(used);
            }
        }
    }
    assert!(upward.is_empty(), "these files use modules above their own: {upward:#?}");
}

#[test]
fn uses_are_read_from_paths_and_groups() {
    let text = "use crate::auth::Role;\nuse crate::{bind_all, deals::store, on_db};\n/// [`crate::home`]\nlet x = crate::kpi::health_of;";
    let found: Vec<String> = uses(text).into_iter().collect();
    assert_eq!(found, ["auth", "db", "deals", "kpi"]);
}
