//! The Content-Security-Policy of every page: scripts only from this origin or with this
//! response's nonce (Leptos puts it on its hydration and streaming scripts), WASM allowed to compile.

use leptos::nonce::use_nonce;
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;

pub fn content_security_policy(nonce: &str, live_reload: bool) -> String {
    let reload = if live_reload { " ws://127.0.0.1:3001 ws://localhost:3001" } else { "" };
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; connect-src 'self'{reload}; font-src 'self'; object-src 'none'; \
         base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
}

pub fn add_content_security_policy() {
    let (Some(nonce), Some(response)) = (use_nonce(), use_context::<ResponseOptions>()) else {
        return;
    };
    let live_reload = std::env::var_os("LEPTOS_WATCH").is_some();
    if let Ok(value) = http::HeaderValue::from_str(&content_security_policy(&nonce, live_reload)) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

#[cfg(test)]
mod tests {
    use super::content_security_policy;

    #[test]
    fn policy_allows_hydration_and_forbids_framing_and_foreign_scripts() {
        let policy = content_security_policy("abc123", false);
        assert!(policy.contains("script-src 'self' 'nonce-abc123' 'wasm-unsafe-eval'"));
        assert!(policy.contains("frame-ancestors 'none'"));
        assert!(!policy.contains("unsafe-inline"));
        assert!(!policy.contains("ws://"));
        assert!(content_security_policy("n", true).contains("ws://127.0.0.1:3001"));
    }
}
