//! Deal registration (PRODUCT §6). This first slice holds the pure rules: the workflow's state
//! machine, the form's validation, and — on the server — the domain normalisation and company-name matching behind
//! the conflict check.

#[cfg(feature = "ssr")]
pub mod domain;
pub mod form;
#[cfg(feature = "ssr")]
pub mod matching;
pub mod status;
