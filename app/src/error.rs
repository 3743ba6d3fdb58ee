//! The one error type every server function returns: each variant is something a person can act on.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

/// Messages keyed by form field name ("email", "password", …).
pub type FieldErrors = BTreeMap<String, String>;

/// The most characters of one field a failed form is given back (its longest field takes 2,000).
pub const KEPT_CHARS: usize = 2_500;

/// The largest request body a server function reads (the router sets it).
pub const MAX_REQUEST_BYTES: usize = 2 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AppError {
    #[error("Please sign in to continue.")]
    Unauthenticated,
    #[error("Email or password is incorrect.")]
    InvalidCredentials,
    #[error("You do not have access to this page.")]
    Forbidden,
    #[error("We could not find that. It may have been removed, or you may not have access to it.")]
    NotFound,
    #[error("Please correct the highlighted fields.")]
    Invalid {
        fields: FieldErrors,
        /// What was typed, by field, given back so a form posted without JavaScript comes back
        /// filled in (never a password).
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        typed: BTreeMap<String, String>,
    },
    #[error("{message}")]
    Throttled { message: String },
    /// The caller's organisation must accept the partner agreement first.
    #[error("{message}")]
    AgreementRequired { message: String },
    #[error("{message}")]
    Gone { message: String },
    /// Reserved for a tier the caller's organisation has not reached.
    #[error("{message}")]
    Locked { message: String },
    #[error("That is more than Tessera takes in one request ({} MB at most).", MAX_REQUEST_BYTES / (1024 * 1024))]
    TooLarge,
    #[error("Something went wrong on our side. Please try again in a moment.")]
    Internal,
    #[error("Could not reach Tessera: {message}")]
    Transport { message: String },
}

impl AppError {
    /// Field-level messages.
    pub fn invalid(fields: FieldErrors) -> Self {
        AppError::Invalid { fields, typed: BTreeMap::new() }
    }

    /// One field-level message.
    pub fn field(name: &str, message: impl Into<String>) -> Self {
        AppError::invalid(FieldErrors::from([(name.to_owned(), message.into())]))
    }

    /// Field-level messages, with what was typed in each field to give back to the form. Without
    /// JavaScript the error travels back in the page's address (Leptos's form round trip; the
    /// referrer policy keeps it on this site), so each value is kept to its first
    /// [`KEPT_CHARS`] characters: more than any field takes.
    pub fn invalid_keeping(fields: FieldErrors, typed: impl IntoIterator<Item = (&'static str, String)>) -> Self {
        let kept = |value: String| match value.char_indices().nth(KEPT_CHARS) {
            Some((end, _)) => value[..end].to_owned(),
            None => value,
        };
        AppError::Invalid {
            fields,
            typed: typed.into_iter().map(|(name, value)| (name.to_owned(), kept(value))).collect(),
        }
    }

    /// The message for one form field, if this error carries one.
    pub fn field_message(&self, name: &str) -> Option<String> {
        match self {
            AppError::Invalid { fields, .. } => fields.get(name).cloned(),
            _ => None,
        }
    }

    /// What was typed in one form field, if this error gives it back.
    pub fn typed(&self, name: &str) -> Option<String> {
        match self {
            AppError::Invalid { typed, .. } => typed.get(name).cloned(),
            _ => None,
        }
    }

    /// The HTTP status this error is answered with (never 500 for something the caller did).
    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthenticated | AppError::InvalidCredentials => 401,
            AppError::Forbidden | AppError::AgreementRequired { .. } | AppError::Locked { .. } => 403,
            AppError::NotFound => 404,
            AppError::Gone { .. } => 410,
            AppError::TooLarge => 413,
            AppError::Invalid { .. } => 422,
            AppError::Throttled { .. } => 429,
            AppError::Internal => 500,
            AppError::Transport { .. } => 502,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // Arguments that do not even parse are bad input, not a server fault.
            ServerFnErrorErr::Args(message) | ServerFnErrorErr::MissingArg(message) => {
                AppError::field("form", format!("The form could not be read: {message}"))
            }
            // On the server, a request body that cannot be read is the caller's: too long, or not text.
            #[cfg(feature = "ssr")]
            ServerFnErrorErr::Deserialization(message) if message.contains("length limit exceeded") => {
                AppError::TooLarge
            }
            #[cfg(feature = "ssr")]
            ServerFnErrorErr::Deserialization(message) => {
                AppError::field("form", format!("The form could not be read: {message}"))
            }
            other => AppError::Transport { message: other.to_string() },
        }
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        tracing::error!(%error, "database error");
        AppError::Internal
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caller_mistakes_are_never_answered_with_500() {
        let mistakes = [
            AppError::Unauthenticated,
            AppError::InvalidCredentials,
            AppError::Forbidden,
            AppError::NotFound,
            AppError::field("email", "Enter an email address."),
            AppError::Throttled { message: "wait".into() },
            AppError::Gone { message: "expired".into() },
            AppError::Locked { message: "Gold partners take this course.".into() },
            AppError::TooLarge,
        ];
        for mistake in mistakes {
            assert!(mistake.status() < 500, "{mistake:?} answered with {}", mistake.status());
        }
    }

    #[test]
    fn field_errors_round_trip_through_json() {
        let error = AppError::field("email", "Enter an email address.");
        let json = serde_json::to_string(&error).expect("serialises");
        assert_eq!(json, r#"{"kind":"invalid","fields":{"email":"Enter an email address."}}"#);
        let back: AppError = serde_json::from_str(&json).expect("parses");
        assert_eq!(back.field_message("email").as_deref(), Some("Enter an email address."));
    }

    #[test]
    fn unreadable_arguments_are_a_form_error() {
        let error = AppError::from_server_fn_error(ServerFnErrorErr::Args("missing field".into()));
        assert_eq!(error.status(), 422);
    }
}
