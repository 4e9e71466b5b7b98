//! Values that must not leak: the [`Secret`] wrapper, and an account's [`TokenSet`] built from
//! it. They are shared by the protocol (which receives tokens) and the secret store (which
//! keeps them). Neither type can be serialised or printed: the only way a secret leaves its
//! box is an explicit [`Secret::expose`], and the only place tokens are written down is the OS
//! keyring (`secret_store/token_items.rs`).

use std::fmt;

/// A value that must not leak: `Debug` and `Display` print `[redacted]`, there is no
/// `Serialize`, and reading it is an explicit [`Secret::expose`].
#[derive(Clone, PartialEq, Eq)]
pub struct Secret<T>(T);

impl<T> Secret<T> {
    pub fn new(value: T) -> Self {
        Self(value)
    }

    /// The wrapped value. Every call site is a place where a secret leaves its box: keep them
    /// few and obvious.
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl<T> fmt::Display for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// A secret can come in (a client secret typed into the window's form) but never goes out:
/// there is deliberately no `Serialize`.
impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for Secret<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize(deserializer).map(Self)
    }
}

/// The tokens of one account.
#[derive(Debug, Clone)]
pub struct TokenSet {
    pub access_token: Secret<String>,
    pub refresh_token: Option<Secret<String>>,
    pub id_token: Option<Secret<String>>,
    /// Unix seconds, computed on arrival from `expires_in`.
    pub expires_at: Option<i64>,
    /// How the access token is presented: as a bearer token, or with a DPoP proof.
    pub token_type: TokenType,
    /// The account's DPoP key (RFC 9449), its private scalar as `oauth/jws.rs` writes it: the
    /// tokens are bound to it, and every request with them carries a proof it signs.
    pub dpop_key: Option<Secret<String>>,
}

/// How an access token is used at a resource (RFC 6749 §7.1): `Bearer` (RFC 6750), or `DPoP`
/// (RFC 9449 §7: `Authorization: DPoP …` with a proof signed by the account's key).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum TokenType {
    #[default]
    Bearer,
    #[serde(rename = "DPoP")]
    Dpop,
}

impl TokenType {
    /// The type's name as RFC 6749 §7.1 and RFC 9449 write it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Bearer => "Bearer",
            Self::Dpop => "DPoP",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_print_redacted() {
        let secret = Secret::new("ya29.hunter2".to_owned());
        assert_eq!(format!("{secret}"), "[redacted]");
        assert_eq!(format!("{secret:?}"), "[redacted]");
        assert_eq!(format!("{:?}", Some(&secret)), "Some([redacted])");
        assert_eq!(secret.expose(), "ya29.hunter2");
        let tokens = TokenSet {
            access_token: secret.clone(),
            refresh_token: Some(secret),
            id_token: None,
            expires_at: Some(1),
            token_type: TokenType::Dpop,
            dpop_key: Some(Secret::new("hunter3".to_owned())),
        };
        assert!(!format!("{tokens:?}").contains("hunter"));
    }
}
