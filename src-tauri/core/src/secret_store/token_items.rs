//! An account's tokens, kept together as one keyring item (one Secret Service round trip per
//! read or write), and the keys of the items Grantry keeps. Tokens are never serialised
//! anywhere else: the JSON exists only on its way into and out of the keyring.

use serde::{Deserialize, Serialize};

use super::{KeyringError, SecretStore};
use crate::secret::{Secret, TokenSet, TokenType};

/// The keyring form. Private, so nothing else can serialise tokens. The fields added later
/// are optional, so items written before them still read (as bearer tokens without a key).
#[derive(Serialize, Deserialize)]
struct Stored {
    access_token: String,
    #[serde(default)]
    refresh_token: Option<String>,
    #[serde(default)]
    id_token: Option<String>,
    #[serde(default)]
    expires_at: Option<i64>,
    #[serde(default, skip_serializing_if = "is_bearer")]
    token_type: TokenType,
    /// The account's DPoP private key (RFC 9449): kept with the tokens bound to it, and
    /// nowhere else.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    dpop_key: Option<String>,
}

fn is_bearer(token_type: &TokenType) -> bool {
    *token_type == TokenType::Bearer
}

/// One part of a key, with `%` and `/` percent-encoded (RFC 3986 §2.1), so that no part can
/// contain the separator: environment `a` with subject `b/c` and environment `a/b` with
/// subject `c` get different keys. A part with neither character is unchanged, so a key
/// written before parts were encoded is still the key of the same account unless its
/// environment or subject holds one of them; [`legacy_key`] names the old item then.
fn part(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains(['%', '/']) {
        text.replace('%', "%25").replace('/', "%2F").into()
    } else {
        text.into()
    }
}

/// The prefix of every account's tokens key in one data folder.
pub fn accounts_prefix(installation: &str) -> String {
    format!("account/{}/", part(installation))
}

/// The keyring key of an account's tokens: stable across re-links, so a re-link overwrites;
/// distinct per data folder (`installation`), so folders sharing a keyring stay apart.
pub fn key(installation: &str, provider: &str, environment: &str, subject: &str) -> String {
    format!(
        "{}{}/{}/{}",
        accounts_prefix(installation),
        part(provider),
        part(environment),
        part(subject)
    )
}

/// The provider, environment and subject an account's tokens key names, for a key of this
/// data folder (`installation`); the inverse of [`key`].
pub fn parse_key(installation: &str, key: &str) -> Option<(String, String, String)> {
    let rest = key.strip_prefix(&accounts_prefix(installation))?;
    let mut parts = rest.split('/');
    let named = account_parts(&mut parts)?;
    parts.next().is_none().then_some(named)
}

/// The provider, environment and subject at the start of `parts`, decoded.
fn account_parts<'a>(
    parts: &mut impl Iterator<Item = &'a str>,
) -> Option<(String, String, String)> {
    let decode = |part: &str| part.replace("%2F", "/").replace("%25", "%");
    let (provider, environment, subject) = (parts.next()?, parts.next()?, parts.next()?);
    Some((decode(provider), decode(environment), decode(subject)))
}

/// The prefix of the keys under which re-links of one data folder keep the refresh tokens they
/// replace ([`replaced_key`]).
pub fn replaced_prefix(installation: &str) -> String {
    format!("replaced/{}/", part(installation))
}

/// A key under which a re-link keeps the refresh token it replaces until the provider has
/// revoked it (`engine/link.rs`), so that a re-link killed before then leaves it for repair
/// to revoke, not live at the provider and known to nobody. Each has a key of its own (the
/// process and a count, as probes do), so that one kept by an earlier re-link is never
/// overwritten.
pub fn replaced_key(
    installation: &str,
    provider: &str,
    environment: &str,
    subject: &str,
) -> String {
    static REPLACED: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = REPLACED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!(
        "{}{}/{}/{}/{}-{n}",
        replaced_prefix(installation),
        part(provider),
        part(environment),
        part(subject),
        std::process::id()
    )
}

/// The provider, environment and subject of the account whose re-link kept a replaced token
/// under `key` ([`replaced_key`]), for a key of this data folder.
pub fn parse_replaced_key(installation: &str, key: &str) -> Option<(String, String, String)> {
    let rest = key.strip_prefix(&replaced_prefix(installation))?;
    let mut parts = rest.split('/');
    let named = account_parts(&mut parts)?;
    parts.next()?;
    parts.next().is_none().then_some(named)
}

/// The key an account's tokens had before its parts were encoded, when it differs from
/// [`key`] (its environment or subject holds `/` or `%`); see `engine/mod.rs`, which moves it.
pub fn legacy_key(
    installation: &str,
    provider: &str,
    environment: &str,
    subject: &str,
) -> Option<String> {
    let old = format!("account/{installation}/{provider}/{environment}/{subject}");
    (old != key(installation, provider, environment, subject)).then_some(old)
}

/// The keyring key of a provider environment's client secret. Only its last part is free
/// text (provider ids hold no `/`), so these keys cannot collide and are left as they were.
pub fn client_secret_key(installation: &str, provider: &str, environment: &str) -> String {
    format!("client/{installation}/{provider}/{environment}")
}

/// The keyring key of a provider environment's `private_key_jwt` key (its P-256 private
/// key, `oauth/jws.rs`), beside its client secret's ([`client_secret_key`]).
pub fn client_key_key(installation: &str, provider: &str, environment: &str) -> String {
    format!("client-key/{installation}/{provider}/{environment}")
}

/// A key that is written and deleted to find out whether the keyring takes writes now. Each
/// probe has a key of its own (the process and a count): links started side by side, in this
/// process or in others, would otherwise delete the item another has just written, and the
/// Secret Service answers a write or delete of a vanished item with an error.
pub fn probe_key(installation: &str) -> String {
    static PROBES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = PROBES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("{}{}-{n}", probe_prefix(installation), std::process::id())
}

/// The prefix of every probe key of one data folder.
pub fn probe_prefix(installation: &str) -> String {
    format!("probe/{installation}/")
}

/// The process that wrote a probe of this data folder (`installation`); the inverse of
/// [`probe_key`]. A process killed between writing and deleting its probe leaves it behind,
/// for the start-up repair to remove once that process is gone.
pub fn probe_process(installation: &str, key: &str) -> Option<u32> {
    let rest = key.strip_prefix(&probe_prefix(installation))?;
    let (pid, n) = rest.split_once('-')?;
    n.parse::<u64>().ok()?;
    pid.parse().ok()
}

pub fn save(store: &dyn SecretStore, key: &str, tokens: &TokenSet) -> Result<(), KeyringError> {
    let stored = Stored {
        access_token: tokens.access_token.expose().clone(),
        refresh_token: tokens.refresh_token.as_ref().map(|t| t.expose().clone()),
        id_token: tokens.id_token.as_ref().map(|t| t.expose().clone()),
        expires_at: tokens.expires_at,
        token_type: tokens.token_type,
        dpop_key: tokens.dpop_key.as_ref().map(|k| k.expose().clone()),
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
        token_type: stored.token_type,
        dpop_key: stored.dpop_key.map(Secret::new),
    }))
}

/// Moves an account's tokens from the item under `from` to the one under `to`: written under
/// the new key before the old one is deleted, so an interruption leaves a copy, never none.
/// Nothing under `from`: nothing to do (moved already, or never there).
pub fn rename(store: &dyn SecretStore, from: &str, to: &str) -> Result<bool, KeyringError> {
    let Some(value) = store.get(from)? else {
        return Ok(false);
    };
    store.put(to, &value)?;
    store.delete(from)?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_written_before_dpop_read_as_bearer_tokens_and_the_key_reads_back() {
        let store = crate::secret_store::MemorySecrets::default();
        let old = r#"{"access_token":"a","refresh_token":"r","expires_at":5}"#;
        store.put("old", &Secret::new(old.to_owned())).expect("put");
        let tokens = load(&store, "old").expect("load").expect("there");
        assert_eq!(tokens.token_type, TokenType::Bearer);
        assert!(tokens.dpop_key.is_none());
        let bound = TokenSet {
            token_type: TokenType::Dpop,
            dpop_key: Some(Secret::new("k".to_owned())),
            ..tokens
        };
        save(&store, "new", &bound).expect("save");
        let again = load(&store, "new").expect("load").expect("there");
        assert_eq!(again.token_type, TokenType::Dpop);
        assert_eq!(again.dpop_key.expect("key").expose(), "k");
        let json = store.get("new").expect("get").expect("there");
        assert!(
            json.expose().contains(r#""token_type":"DPoP""#),
            "{}",
            json.expose()
        );
    }

    #[test]
    fn every_probe_has_a_key_of_its_own() {
        let (a, b) = (probe_key("i"), probe_key("i"));
        assert_ne!(a, b);
        assert!(
            a.starts_with("probe/i/") && b.starts_with("probe/i/"),
            "{a} {b}"
        );
    }

    #[test]
    fn a_probe_names_the_process_that_wrote_it() {
        assert_eq!(
            probe_process("i", &probe_key("i")),
            Some(std::process::id())
        );
        assert_eq!(probe_process("other", &probe_key("i")), None);
        for odd in [
            "probe/i/12",
            "probe/i/x-1",
            "probe/i/12-x",
            "account/i/12-1",
        ] {
            assert_eq!(probe_process("i", odd), None, "{odd}");
        }
    }

    #[test]
    fn a_key_is_read_back_into_its_parts() {
        for (provider, environment, subject) in [
            ("p", "prod", "s"),
            ("p", "a/b", "c%2F/d"),
            ("p", "%", "%25"),
        ] {
            let key = key("i", provider, environment, subject);
            assert_eq!(
                parse_key("i", &key),
                Some((provider.into(), environment.into(), subject.into()))
            );
            assert_eq!(parse_key("other", &key), None, "another data folder's key");
        }
        assert_eq!(parse_key("i", "account/i/p/e"), None);
        assert_eq!(parse_key("i", "account/i/p/e/s/x"), None);
    }

    #[test]
    fn a_replaced_tokens_key_names_its_account_and_is_its_own() {
        let (a, b) = (
            replaced_key("i", "p", "a/b", "s"),
            replaced_key("i", "p", "a/b", "s"),
        );
        assert_ne!(a, b, "a second re-link keeps its own");
        assert_eq!(
            parse_replaced_key("i", &a),
            Some(("p".into(), "a/b".into(), "s".into()))
        );
        assert_eq!(parse_replaced_key("other", &a), None);
        assert_eq!(parse_key("i", &a), None, "not an account's tokens");
        assert_eq!(parse_replaced_key("i", &key("i", "p", "e", "s")), None);
        assert_eq!(parse_replaced_key("i", "replaced/i/p/e/s"), None);
    }

    #[test]
    fn parts_that_hold_the_separator_do_not_collide() {
        let one = key("i", "p", "a", "b/c");
        let other = key("i", "p", "a/b", "c");
        assert_ne!(one, other);
        assert_eq!(one, "account/i/p/a/b%2Fc");
        assert_eq!(key("i", "p", "a%2Fb", "c"), "account/i/p/a%252Fb/c");
        assert_ne!(key("i", "p", "a%2Fb", "c"), other);
        assert!(one.starts_with(&accounts_prefix("i")));
    }

    #[test]
    fn only_parts_with_a_slash_or_percent_had_another_key() {
        assert_eq!(legacy_key("i", "p", "prod", "alice"), None);
        assert_eq!(
            legacy_key("i", "p", "prod", "auth0|a/b").as_deref(),
            Some("account/i/p/prod/auth0|a/b")
        );
    }
}
