//! Token endpoint answers that deviate from RFC 6749 §5 (GitHub's errors as HTTP 200 and its
//! comma-separated scopes, Facebook Graph's error objects), rewritten into its shape before the
//! standard client reads them (`oauth/http.rs`), and the one field beyond it that Grantry keeps
//! (Facebook's `data_access_expires_at`).

use openidconnect::HttpResponse;

use super::json::json_body;
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
