//! The build's files every page names in its head: the stylesheet, and the JS and WASM that
//! hydrate the page, with the manifest its lazy route's preload links come from. With hashed file
//! names (`hash-files`) their names are in the hash file the build writes beside the server
//! binary. They are read once per process: Leptos's `HydrationScripts` reads the hash file on
//! every page, which was a tenth of the CPU a sign-in page costs.

use std::collections::HashMap;
use std::sync::OnceLock;

use leptos::WasmSplitManifest;
use leptos::config::LeptosOptions;
use leptos::nonce::use_nonce;
use leptos::prelude::*;

/// Where the browser finds the build's files.
struct BuildFiles {
    stylesheet: String,
    js: String,
    wasm: String,
    /// The WASM chunks each lazy route needs and the loader of chunks; `None` for a build that
    /// was not split.
    split: Option<WasmSplitManifest>,
}

fn build_files(options: &LeptosOptions) -> &'static BuildFiles {
    static FILES: OnceLock<BuildFiles> = OnceLock::new();
    FILES.get_or_init(|| BuildFiles::read(options))
}

impl BuildFiles {
    fn read(options: &LeptosOptions) -> BuildFiles {
        let hashes = match options.hash_files {
            true => read_hashes(options),
            false => HashMap::new(),
        };
        // `base.hash.ext` with hashed names, `base.ext` (or the fallback) without.
        let named = |kind: &str, base: &str, ext: &str, plain: String| match hashes.get(kind) {
            Some(hash) => format!("{base}.{hash}.{ext}"),
            None => plain,
        };
        let output = options.output_name.as_ref();
        let pkg = format!("/{}", options.site_pkg_dir);
        // cargo-leptos names the WASM after the output when it builds the server; plain
        // wasm-bindgen adds `_bg`.
        let plain_wasm = match option_env!("LEPTOS_OUTPUT_NAME") {
            Some(_) => format!("{output}.wasm"),
            None => format!("{output}_bg.wasm"),
        };
        let manifest = named("manifest", "__wasm_split_manifest", "json", "__wasm_split_manifest.json".into());
        // The chunk loader's name when the build does not hash names, as cargo-leptos writes it.
        let loader = named("split", "__wasm_split", "js", "__wasm_split.______________________.js".into());
        BuildFiles {
            stylesheet: format!("{pkg}/{}", named("css", output, "css", format!("{output}.css"))),
            js: format!("{pkg}/{}", named("js", output, "js", format!("{output}.js"))),
            wasm: format!("{pkg}/{}", named("wasm", output, "wasm", plain_wasm)),
            split: read_split_manifest(options, &manifest)
                .map(|chunks| WasmSplitManifest(ArcStoredValue::new((pkg.clone(), chunks, loader)))),
        }
    }
}

/// The hash file's `kind: hash` lines.
fn read_hashes(options: &LeptosOptions) -> HashMap<String, String> {
    let file =
        std::env::current_exe().ok().and_then(|exe| exe.parent().map(|dir| dir.join(options.hash_file.as_ref())));
    let Some(text) = file.as_ref().and_then(|file| std::fs::read_to_string(file).ok()) else {
        tracing::error!(file = ?file, "file names are hashed but the hash file cannot be read: pages name unhashed files");
        return HashMap::new();
    };
    text.lines()
        .filter_map(|line| line.split_once(':'))
        .map(|(kind, hash)| (kind.trim().to_owned(), hash.trim().to_owned()))
        .collect()
}

/// Which WASM chunks each lazy route needs, from the split build's manifest.
fn read_split_manifest(options: &LeptosOptions, name: &str) -> Option<HashMap<String, Vec<String>>> {
    let path = std::path::Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref()).join(name);
    let text = std::fs::read_to_string(path).ok()?;
    match serde_json::from_str(&text) {
        Ok(chunks) => Some(chunks),
        Err(error) => {
            tracing::error!(%error, "the split build's manifest cannot be read: lazy routes are not preloaded");
            None
        }
    }
}

/// The stylesheet's link.
#[component]
pub fn Stylesheet(options: LeptosOptions) -> impl IntoView {
    view! { <link rel="stylesheet" id="leptos" href=build_files(&options).stylesheet.clone()/> }
}

/// The JS and WASM that hydrate the page, fetched at once, and the module that starts them with
/// the page's nonce. Gives the page's lazy route the split manifest to name its chunks from.
#[component]
pub fn HydrationScripts(options: LeptosOptions) -> impl IntoView {
    let files = build_files(&options);
    if let Some(split) = &files.split {
        provide_context(split.clone());
    }
    let start = format!(
        "import init, {{ hydrate }} from {js:?};\ninit({{ module_or_path: {wasm:?} }}).then(hydrate);",
        js = files.js,
        wasm = files.wasm
    );
    view! {
        <link rel="modulepreload" href=files.js.clone() crossorigin="anonymous"/>
        <link rel="preload" href=files.wasm.clone() r#as="fetch" r#type="application/wasm" crossorigin="anonymous"/>
        <script type="module" nonce=use_nonce()>{start}</script>
    }
}
