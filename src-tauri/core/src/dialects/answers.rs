//! What the dialects' requests come to: the scopes a token carries, as the provider reports
//! them, and an access token renewed without a refresh token.

use crate::secret::Secret;

/// Which scopes a token carries, as the provider reports them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantedScopes {
    pub granted: Vec<String>,
    /// Scopes the person turned down, where the provider says so.
    pub declined: Vec<String>,
    /// Where the answer came from, stored with each scope (`tokeninfo`, `permissions`, …).
    pub source: &'static str,
}

/// A renewed access token from a provider without refresh tokens (Facebook's exchange).
pub struct Exchanged {
    pub access_token: Secret<String>,
    pub expires_at: Option<i64>,
    /// When the provider's access to the person's data lapses (Facebook).
    pub data_access_expires_at: Option<i64>,
}
