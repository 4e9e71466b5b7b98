//! Token endpoint answers that deviate from RFC 6749 §5 (GitHub's errors as HTTP 200 and its
//! comma-separated scopes, Facebook Graph's error objects), rewritten into its shape before the
//! standard client reads them (`oauth/http.rs`), and the one field beyond it that Grantry keeps
//! (Facebook's `data_access_expires_at`).

use openidconnect::HttpResponse;

use super::{Preset, facebook, github};

impl Preset {
    /// Rewrites a token endpoint answer that deviates from RFC 6749 §5 into its shape, so that
    /// the standard client reads it.
    pub fn token_response(self, response: HttpResponse) -> HttpResponse {
        match self {
            Self::Github => github::token_response(response),
            Self::Facebook => facebook::token_response(response),
            _ => response,
        }
    }

    /// When the provider's access to the person's data lapses, from a token endpoint answer
    /// (Facebook's `data_access_expires_at`, Unix seconds); `None` elsewhere.
    pub fn data_access_expiry(self, response: &HttpResponse) -> Option<i64> {
        match self {
            Self::Facebook => json_body(response)?.get("data_access_expires_at")?.as_i64(),
            _ => None,
        }
    }
}

/// The JSON body of an answer, when it is a JSON object. Read as the standard client reads a
/// token answer (oauth2's `endpoint_response`): the first JSON value, whatever follows it, so
/// that a dialect never sees another body than the one the tokens are taken from.
pub(crate) fn json_body(
    response: &HttpResponse,
) -> Option<serde_json::Map<String, serde_json::Value>> {
    let mut values = serde_json::Deserializer::from_slice(response.body()).into_iter();
    match values.next() {
        Some(Ok(serde_json::Value::Object(map))) => Some(map),
        _ => None,
    }
}

/// `response` with another status and JSON body, its headers kept.
pub(super) fn rewritten(
    response: HttpResponse,
    status: u16,
    body: serde_json::Map<String, serde_json::Value>,
) -> HttpResponse {
    let (mut parts, _) = response.into_parts();
    parts.status = openidconnect::http::StatusCode::from_u16(status).unwrap_or(parts.status);
    let body = serde_json::to_vec(&serde_json::Value::Object(body)).unwrap_or_default();
    HttpResponse::from_parts(parts, body)
}

/// A token endpoint's answer with `status` and `body`, for the dialects' tests.
#[cfg(test)]
pub(super) fn answer(status: u16, body: &str) -> HttpResponse {
    openidconnect::http::Response::builder()
        .status(status)
        .body(body.as_bytes().to_vec())
        .expect("response")
}
