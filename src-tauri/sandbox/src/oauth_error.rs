//! OAuth error responses (RFC 6749 §4.1.2.1 and §5.2, RFC 6750 §3.1): a code from the RFCs and
//! a description a person can act on. Each personality renders them in its provider's shape
//! (`src/replies/` for the standard one).
//!
//! Invariants: the code is always one the RFCs define, with the status they call for; the
//! description names what was wrong, never a secret or token that was sent.

/// An RFC error: `error`, `error_description` and the HTTP status to send it with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {description}")]
pub struct OAuthError {
    pub code: &'static str,
    pub description: String,
    pub status: u16,
}

impl OAuthError {
    fn new(code: &'static str, status: u16, description: impl Into<String>) -> Self {
        Self {
            code,
            description: description.into(),
            status,
        }
    }

    pub fn invalid_request(description: impl Into<String>) -> Self {
        Self::new("invalid_request", 400, description)
    }

    pub fn invalid_client(description: impl Into<String>) -> Self {
        Self::new("invalid_client", 401, description)
    }

    pub fn invalid_grant(description: impl Into<String>) -> Self {
        Self::new("invalid_grant", 400, description)
    }

    pub fn unauthorized_client(description: impl Into<String>) -> Self {
        Self::new("unauthorized_client", 400, description)
    }

    pub fn unsupported_grant_type(description: impl Into<String>) -> Self {
        Self::new("unsupported_grant_type", 400, description)
    }

    pub fn unsupported_response_type(description: impl Into<String>) -> Self {
        Self::new("unsupported_response_type", 400, description)
    }

    pub fn invalid_scope(description: impl Into<String>) -> Self {
        Self::new("invalid_scope", 400, description)
    }

    /// RFC 8693 §2.2.2: the audience or resource asked for is not one the server serves.
    pub fn invalid_target(description: impl Into<String>) -> Self {
        Self::new("invalid_target", 400, description)
    }

    pub fn access_denied(description: impl Into<String>) -> Self {
        Self::new("access_denied", 400, description)
    }

    /// RFC 6750: the access token is missing, expired, revoked or unknown.
    pub fn invalid_token(description: impl Into<String>) -> Self {
        Self::new("invalid_token", 401, description)
    }

    /// RFC 9449 §5, §7.1: the DPoP proof is missing, malformed, or does not fit this request
    /// or this token (400 at the token endpoint, 401 at a resource).
    pub fn invalid_dpop_proof(description: impl Into<String>) -> Self {
        Self::new("invalid_dpop_proof", 400, description)
    }

    /// RFC 9449 §8: the proof must carry the nonce the `DPoP-Nonce` header gives.
    pub fn use_dpop_nonce(description: impl Into<String>) -> Self {
        Self::new("use_dpop_nonce", 400, description)
    }

    /// The same error with another HTTP status (a resource answers DPoP errors with 401).
    pub fn with_status(mut self, status: u16) -> Self {
        self.status = status;
        self
    }

    /// RFC 6750: the token lacks the scope the resource needs.
    pub fn insufficient_scope(description: impl Into<String>) -> Self {
        Self::new("insufficient_scope", 403, description)
    }
}
