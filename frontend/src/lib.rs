//! The browser half: hydrates the server-rendered page.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Each page's view is in its own chunk: hydration waits for the current page's.
    leptos::mount::hydrate_lazy(app::App);
}
