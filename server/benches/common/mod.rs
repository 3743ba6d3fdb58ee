//! What the load generators share: signing in as a person, and percentiles of timings.

#![allow(dead_code)]

use std::time::Duration;

/// The value at percentile `p` (0–100) of sorted timings, nearest rank.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// A client holding the session of `email` (every demo and scale person's password is the same).
pub async fn sign_in(base: &str, email: &str) -> reqwest::Client {
    let client = reqwest::Client::builder().cookie_store(true).build().expect("client");
    let response = client
        .post(format!("{base}/api/sign_in"))
        .form(&[("email", email), ("password", "tessera-demo")])
        .send()
        .await
        .expect("sign in");
    assert!(response.status().is_success(), "{email} signs in");
    client
}

/// A deal registration submitted as the form would send it: a new customer, 25,000 USD, closing on `close`.
pub fn submission<'a>(
    token: &'a str,
    company: &'a str,
    domain: &'a str,
    close: &'a str,
) -> [(&'static str, &'a str); 12] {
    [
        ("form_token", token),
        ("intent", "submit"),
        ("customer_company", company),
        ("customer_domain", domain),
        ("contact_name", "Load Tester"),
        ("contact_email", "buyer@example.com"),
        ("amount", "25000"),
        ("currency", "USD"),
        ("expected_close_date", close),
        ("products", "Cloud Suite"),
        ("attribution", "sourced"),
        ("notes", ""),
    ]
}
