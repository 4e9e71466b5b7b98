//! An account's tokens, kept together as one keyring item (one Secret Service round trip per
//! read or write), and the keys of the items Grantry keeps. Tokens are never serialised
//! anywhere else: the JSON exists only on its way into and out of the keyring.

use serde::{Deserialize, Serialize};

use super::{KeyringError, SecretStore};
use crate::secret::{Secret, TokenSet};

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

/// The prefix of every account's tokens key in one data folder.
pub fn accounts_prefix(installation: &str) -> String {
    format!("account/{installation}/")
}

/// The keyring key of an account's tokens: stable across re-links, so a re-link overwrites;
/// distinct per data folder (`installation`), so folders sharing a keyring stay apart.
pub fn key(installation: &str, provider: &str, environment: &str, subject: &str) -> String {
    format!(
        "{}{provider}/{environment}/{subject}",
        accounts_prefix(installation)
    )
}

/// The keyring key of a provider environment's client secret.
pub fn client_secret_key(installation: &str, provider: &str, environment: &str) -> String {
    format!("client/{installation}/{provider}/{environment}")
}

/// A key that is written and deleted to find out whether the keyring takes writes now.
pub fn probe_key(installation: &str) -> String {
    format!("probe/{installation}")
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
