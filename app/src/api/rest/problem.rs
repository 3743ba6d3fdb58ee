//! Errors as RFC 9457 problem details (`application/problem+json`), with a message per field for
//! bad input. Every error an API handler meets is an [`AppError`]; this is its one answer.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::{IntoResponses, ToSchema};

use crate::error::AppError;

/// A problem, as RFC 9457 describes one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem (relative to the API's address).
    #[serde(rename = "type")]
    pub kind: String,
    /// The kind of problem, the same for every occurrence.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong this time.
    pub detail: String,
    /// Each bad field with what to do about it (bad input only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldProblem>,
    /// Seconds to wait before trying again (rate limited only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
}

/// One field's problem.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldProblem {
    /// The field's name, as the request has it.
    pub field: String,
    pub detail: String,
}

impl Problem {
    fn new(kind: &str, title: &str, status: u16, detail: impl Into<String>) -> Problem {
        Problem {
            kind: format!("/api/v1/problems/{kind}"),
            title: title.to_owned(),
            status,
            detail: detail.into(),
            errors: Vec::new(),
            retry_after: None,
        }
    }

    /// The token is missing, unknown, revoked or expired: why, in `detail`.
    pub fn unauthorised(detail: &str) -> Problem {
        Problem::new("unauthorised", "Not signed in", 401, detail)
    }

    /// The token lacks the scope this needs.
    pub fn insufficient_scope(scope: &str) -> Problem {
        Problem::new(
            "insufficient-scope",
            "Outside the token's scopes",
            403,
            format!("This needs a token with the scope \u{201c}{scope}\u{201d}."),
        )
    }

    /// Too many requests with this token: try again in `seconds`.
    pub fn rate_limited(seconds: u64, per_minute: u32) -> Problem {
        let mut problem = Problem::new(
            "rate-limited",
            "Too many requests",
            429,
            format!("A token may make {per_minute} requests a minute. Try again in {seconds} s."),
        );
        problem.retry_after = Some(seconds);
        problem
    }

    /// The body is not JSON of the expected shape.
    pub fn unreadable(detail: impl Into<String>) -> Problem {
        let mut problem = Problem::new("invalid", "Invalid request", 422, "The request body could not be read.");
        problem.errors.push(FieldProblem { field: "body".into(), detail: detail.into() });
        problem
    }

    /// `error` renamed for the API: a form's field `from` is the API's `to`.
    pub fn from_error(error: &AppError, renames: &[(&str, &str)]) -> Problem {
        let status = error.status();
        match error {
            AppError::Invalid { fields, .. } => {
                let mut problem =
                    Problem::new("invalid", "Invalid request", 422, "Correct the fields named in errors.");
                problem.errors = fields
                    .iter()
                    .map(|(field, detail)| {
                        let field = renames.iter().find(|(from, _)| from == field).map_or(field.as_str(), |(_, to)| to);
                        FieldProblem { field: field.to_owned(), detail: detail.clone() }
                    })
                    .collect();
                problem
            }
            AppError::Unauthenticated | AppError::InvalidCredentials => Problem::unauthorised(&error.to_string()),
            AppError::Forbidden => Problem::new("forbidden", "Forbidden", status, "The token's owner may not do this."),
            AppError::NotFound => {
                Problem::new("not-found", "Not found", status, "No such resource within the token's reach.")
            }
            AppError::AgreementRequired { .. } | AppError::Locked { .. } => {
                Problem::new("forbidden", "Forbidden", status, error.to_string())
            }
            AppError::Gone { .. } => Problem::new("gone", "Gone", status, error.to_string()),
            AppError::TooLarge => Problem::new("too-large", "Request too large", status, error.to_string()),
            AppError::Throttled { .. } => Problem::new("rate-limited", "Too many requests", status, error.to_string()),
            AppError::Internal | AppError::Transport { .. } => {
                Problem::new("internal", "Internal error", 500, AppError::Internal.to_string())
            }
        }
    }
}

/// What a request without a usable token, or past its rate, is answered.
#[derive(IntoResponses)]
pub enum TokenProblems {
    /// No token, or one Tessera does not know, revoked, expired, or its maker deactivated.
    #[response(status = 401, content_type = "application/problem+json")]
    Unauthorised(Problem),
    /// Past the token's rate: `Retry-After` says when to come back.
    #[response(status = 429, content_type = "application/problem+json")]
    RateLimited(Problem),
}

/// What a whole list without parameters may be answered besides the list.
#[derive(IntoResponses)]
pub enum SnapshotProblems {
    /// No token, or one Tessera does not know, revoked, expired, or its maker deactivated.
    #[response(status = 401, content_type = "application/problem+json")]
    Unauthorised(Problem),
    /// Outside the token's scopes, or what its maker's role may do.
    #[response(status = 403, content_type = "application/problem+json")]
    Forbidden(Problem),
    /// Past the token's rate: `Retry-After` says when to come back.
    #[response(status = 429, content_type = "application/problem+json")]
    RateLimited(Problem),
}

/// What a list may be answered besides its page.
#[derive(IntoResponses)]
pub enum ListProblems {
    /// No token, or one Tessera does not know, revoked, expired, or its maker deactivated.
    #[response(status = 401, content_type = "application/problem+json")]
    Unauthorised(Problem),
    /// Outside the token's scopes, or what its maker's role may do.
    #[response(status = 403, content_type = "application/problem+json")]
    Forbidden(Problem),
    /// A filter, sort, cursor or limit that cannot be used, each named.
    #[response(status = 422, content_type = "application/problem+json")]
    Invalid(Problem),
    /// Past the token's rate: `Retry-After` says when to come back.
    #[response(status = 429, content_type = "application/problem+json")]
    RateLimited(Problem),
}

/// What a read of one resource may be answered besides the resource.
#[derive(IntoResponses)]
pub enum ReadProblems {
    /// No token, or one Tessera does not know, revoked, expired, or its maker deactivated.
    #[response(status = 401, content_type = "application/problem+json")]
    Unauthorised(Problem),
    /// Outside the token's scopes, or what its maker's role may do.
    #[response(status = 403, content_type = "application/problem+json")]
    Forbidden(Problem),
    /// No such resource within the token's reach (another partner's included).
    #[response(status = 404, content_type = "application/problem+json")]
    NotFound(Problem),
    /// Past the token's rate: `Retry-After` says when to come back.
    #[response(status = 429, content_type = "application/problem+json")]
    RateLimited(Problem),
}

/// What a change may be answered besides the changed resource.
#[derive(IntoResponses)]
pub enum WriteProblems {
    /// No token, or one Tessera does not know, revoked, expired, or its maker deactivated.
    #[response(status = 401, content_type = "application/problem+json")]
    Unauthorised(Problem),
    /// Outside the token's scopes, or what its maker's role may do.
    #[response(status = 403, content_type = "application/problem+json")]
    Forbidden(Problem),
    /// No such resource within the token's reach (another partner's included).
    #[response(status = 404, content_type = "application/problem+json")]
    NotFound(Problem),
    /// A body larger than Tessera takes.
    #[response(status = 413, content_type = "application/problem+json")]
    TooLarge(Problem),
    /// Bad input, each field named; nothing was written.
    #[response(status = 422, content_type = "application/problem+json")]
    Invalid(Problem),
    /// Past the token's rate: `Retry-After` says when to come back.
    #[response(status = 429, content_type = "application/problem+json")]
    RateLimited(Problem),
}

impl From<AppError> for Problem {
    fn from(error: AppError) -> Problem {
        Problem::from_error(&error, &[])
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let retry_after = self.retry_after;
        let unauthorised = self.status == 401;
        let body = serde_json::to_vec(&self).unwrap_or_default();
        let mut response = (status, [(header::CONTENT_TYPE, "application/problem+json")], body).into_response();
        if let Some(seconds) = retry_after.and_then(|seconds| HeaderValue::from_str(&seconds.to_string()).ok()) {
            response.headers_mut().insert(header::RETRY_AFTER, seconds);
        }
        if unauthorised {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"tessera\""));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::FieldErrors;

    #[test]
    fn bad_input_names_each_field_as_the_api_calls_it() {
        let fields = FieldErrors::from([
            ("amount".to_owned(), "Enter an amount above zero.".to_owned()),
            ("contact_email".to_owned(), "Enter an email address.".to_owned()),
        ]);
        let problem = Problem::from_error(&AppError::invalid(fields), &[("amount", "amount_minor")]);
        assert_eq!((problem.status, problem.kind.as_str()), (422, "/api/v1/problems/invalid"));
        let named: Vec<&str> = problem.errors.iter().map(|error| error.field.as_str()).collect();
        assert_eq!(named, ["amount_minor", "contact_email"]);
    }

    #[test]
    fn every_error_keeps_its_status_and_no_internal_detail_leaks() {
        for error in [AppError::NotFound, AppError::Forbidden, AppError::Unauthenticated, AppError::TooLarge] {
            assert_eq!(Problem::from(error.clone()).status, error.status());
        }
        let internal = Problem::from(AppError::Transport { message: "connection refused to 10.0.0.3".into() });
        assert_eq!(internal.status, 500);
        assert!(!internal.detail.contains("10.0.0.3"));
        let limited = Problem::rate_limited(3, 600).into_response();
        assert_eq!(limited.headers().get(header::RETRY_AFTER).and_then(|v| v.to_str().ok()), Some("3"));
    }
}
