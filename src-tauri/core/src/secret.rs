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
        };
        assert!(!format!("{tokens:?}").contains("hunter2"));
    }
}
