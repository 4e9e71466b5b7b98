//! An account's tokens, kept together as one keyring item (one Secret Service round trip per
//! read or write). They are never serialised anywhere else: the JSON exists only on its way
//! into and out of the keyring.

use serde::{Deserialize, Serialize};

use crate::secret::{KeyringError, Secret, SecretStore};

/// The tokens of one account.
#[derive(Debug, Clone)]
pub struct TokenSet {
    pub access_token: Secret<String>,
    pub refresh_token: Option<Secret<String>>,
    pub id_token: Option<Secret<String>>,
    /// Unix seconds, computed on arrival from `expires_in`.
    pub expires_at: Option<i64>,
}

/// The keyring form. Private, so nothing else can serialise tokens.
#[derive(Serialize, Deserialize)]
struct Stored {
    access_token: String,
    #[serde(default)]
    refresh_token: Option<String>,
    #[serde(default)]
    id_token: Option<String>,
    #[serde(default)]
    expires_at: Option<i64>,
}

/// The keyring key of an account's tokens: stable across re-links, so a re-link overwrites;
/// distinct per data folder (`installation`), so folders sharing a keyring stay apart.
pub fn key(installation: &str, provider: &str, environment: &str, subject: &str) -> String {
    format!("account/{installation}/{provider}/{environment}/{subject}")
}

pub fn save(store: &dyn SecretStore, key: &str, tokens: &TokenSet) -> Result<(), KeyringError> {
    let stored = Stored {
        access_token: tokens.access_token.expose().clone(),
        refresh_token: tokens.refresh_token.as_ref().map(|t| t.expose().clone()),
        id_token: tokens.id_token.as_ref().map(|t| t.expose().clone()),
        expires_at: tokens.expires_at,
    };
    let json = serde_json::to_string(&stored).map_err(|e| KeyringError::Failed(e.to_string()))?;
    store.put(key, &Secret::new(json))
}

pub fn load(store: &dyn SecretStore, key: &str) -> Result<Option<TokenSet>, KeyringError> {
    let Some(json) = store.get(key)? else {
        return Ok(None);
    };
    let stored: Stored = serde_json::from_str(json.expose())
        .map_err(|_| KeyringError::Failed(format!("the keyring item {key} is damaged")))?;
    Ok(Some(TokenSet {
        access_token: Secret::new(stored.access_token),
        refresh_token: stored.refresh_token.map(Secret::new),
        id_token: stored.id_token.map(Secret::new),
        expires_at: stored.expires_at,
    }))
}
