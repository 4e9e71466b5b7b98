//! The authorization response (RFC 6749 §4.1.2, §4.1.2.1; RFC 9207), as it reaches Grantry
//! through a deep link or the loopback listener. It is hostile input until proven otherwise:
//! this module only parses; matching `state` and checking `iss` happen in `authorize.rs`.
//! The code it carries is a [`Secret`], so no `Debug` print can show it.

use url::Url;

use crate::secret::Secret;

/// Longest URL accepted; real authorization responses are a few hundred bytes.
pub const MAX_URL_LEN: usize = 4096;

/// What the provider said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The user allowed: the code to exchange.
    Code(Secret<String>),
    /// The provider answered with an error, such as `access_denied`.
    Error {
        error: String,
        description: Option<String>,
    },
}

/// A parsed authorization response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Callback {
    /// Where it arrived: the URL without its query and fragment.
    pub target: String,
    pub state: String,
    pub iss: Option<String>,
    pub outcome: Outcome,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallbackError {
    #[error("the link is not a URL")]
    NotAUrl,
    #[error("the link is longer than {max} bytes", max = MAX_URL_LEN)]
    TooLong,
    #[error("the link carries no state, so it answers no request of Grantry's")]
    NoState,
    #[error("the link carries neither a code nor an error")]
    Empty,
    #[error("the link carries both a code and an error")]
    Ambiguous,
    #[error("the parameter {0:?} appears twice in the link")]
    Repeated(String),
}

impl Callback {
    /// Parses a response still in text form (from the loopback listener).
    pub fn parse(raw: &str) -> Result<Self, CallbackError> {
        if raw.len() > MAX_URL_LEN {
            return Err(CallbackError::TooLong);
        }
        let url = Url::parse(raw.trim()).map_err(|_| CallbackError::NotAUrl)?;
        Self::from_url(&url)
    }

    /// Reads a response from a URL already parsed (and length-checked) by the caller.
    pub fn from_url(url: &Url) -> Result<Self, CallbackError> {
        let get = |name: &str| -> Result<Option<String>, CallbackError> {
            let mut values = url.query_pairs().filter(|(k, _)| k == name);
            let first = values.next().map(|(_, v)| v.into_owned());
            if values.next().is_some() {
                return Err(CallbackError::Repeated(name.to_owned()));
            }
            Ok(first.filter(|v| !v.is_empty()))
        };
        let state = get("state")?.ok_or(CallbackError::NoState)?;
        let iss = get("iss")?;
        let code = get("code")?;
        let error = get("error")?;
        let description = get("error_description")?;
        let outcome = match (code, error) {
            (Some(code), None) => Outcome::Code(Secret::new(code)),
            (None, Some(error)) => Outcome::Error { error, description },
            (None, None) => return Err(CallbackError::Empty),
            (Some(_), Some(_)) => return Err(CallbackError::Ambiguous),
        };
        let mut target = url.clone();
        target.set_query(None);
        target.set_fragment(None);
        Ok(Self {
            target: target.to_string(),
            state,
            iss,
            outcome,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_errors_and_iss_are_read() {
        let ok = Callback::parse(
            "dev.grantry:/oauth/callback?code=c1&state=s1&iss=http%3A%2F%2F127.0.0.1%3A1",
        )
        .expect("valid");
        assert_eq!(ok.target, "dev.grantry:/oauth/callback");
        assert_eq!(ok.state, "s1");
        assert_eq!(ok.iss.as_deref(), Some("http://127.0.0.1:1"));
        assert_eq!(ok.outcome, Outcome::Code(Secret::new("c1".into())));
        assert!(
            !format!("{ok:?}").contains("c1"),
            "Debug never shows the code"
        );
        let denied = Callback::parse(
            "http://127.0.0.1:5000/callback?error=access_denied&error_description=no&state=s",
        )
        .expect("valid");
        assert_eq!(denied.target, "http://127.0.0.1:5000/callback");
        assert_eq!(
            denied.outcome,
            Outcome::Error {
                error: "access_denied".into(),
                description: Some("no".into())
            }
        );
    }

    #[test]
    fn malformed_callbacks_are_refused() {
        let cases = [
            ("dev.grantry:/oauth/callback?code=c", CallbackError::NoState),
            ("dev.grantry:/oauth/callback?state=s", CallbackError::Empty),
            (
                "dev.grantry:/oauth/callback?state=s&code=c&error=x",
                CallbackError::Ambiguous,
            ),
            (
                "dev.grantry:/oauth/callback?state=s&state=t&code=c",
                CallbackError::Repeated("state".into()),
            ),
            ("not a url", CallbackError::NotAUrl),
        ];
        for (raw, expected) in cases {
            assert_eq!(Callback::parse(raw), Err(expected), "{raw}");
        }
        let long = format!("dev.grantry:/x?state={}", "a".repeat(5000));
        assert_eq!(Callback::parse(&long), Err(CallbackError::TooLong));
    }
}
