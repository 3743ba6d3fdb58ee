//! Every route the app declares (read from `src/lib.rs`) has its own title in the browser's tab,
//! not the "Page not found" of an address that is no page.

use app::layout::{NOT_FOUND_TITLE, page_title};

/// Each `<Route path=…>` of the router as an address: a parameter stands as `7`.
fn routes() -> Vec<String> {
    let source = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/lib.rs")).expect("lib.rs");
    let mut found = Vec::new();
    for line in source.lines().filter(|line| line.contains("<Route path=")) {
        let path = line.split(" view=").next().unwrap_or_default();
        let mut segments = Vec::new();
        let mut rest = path;
        while let Some(at) = rest.find("Segment(\"") {
            let kind = &rest[..at];
            let after = &rest[at + "Segment(\"".len()..];
            let end = after.find('"').expect("a closed string");
            let segment = &after[..end];
            segments.push(if kind.ends_with("Param") { "7".to_owned() } else { segment.to_owned() });
            rest = &after[end..];
        }
        found.push(format!("/{}", segments.into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join("/")));
    }
    found
}

#[test]
fn every_route_has_a_title_of_its_own() {
    let routes = routes();
    assert!(routes.len() > 30, "the routes were read: {routes:?}");
    let untitled: Vec<&String> = routes.iter().filter(|path| page_title(path) == NOT_FOUND_TITLE).collect();
    assert!(untitled.is_empty(), "these routes have no title: {untitled:?}");
    let mut titles: Vec<&str> = routes.iter().map(|path| page_title(path)).collect();
    titles.sort();
    titles.dedup();
    assert_eq!(titles.len(), routes.len(), "two routes share a title: {titles:?}");
}
