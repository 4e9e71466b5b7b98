//! Intake of URLs that the OS hands to the app (`dev.grantry:/oauth/callback?code=…&state=…`).
//!
//! Any web page can open a `dev.grantry:` URL, so every one is hostile input: it is length
//! capped, must parse as a URL of our scheme, and is only ever shown or recorded in redacted
//! form, with the values of credential-bearing parameters (`code`, tokens) masked and any
//! fragment dropped.

use std::fmt;

use url::Url;

use crate::URL_SCHEME;

/// Longest URL accepted; real callbacks are a few hundred bytes.
pub const MAX_URL_LEN: usize = 4096;

/// Query parameters whose values must never be recorded or shown.
const SECRET_PARAMS: &[&str] = &[
    "code",
    "access_token",
    "refresh_token",
    "id_token",
    "token",
    "client_secret",
    "code_verifier",
];

const MASK: &str = "[redacted]";

/// A well-formed `dev.grantry:` URL.
#[derive(Debug)]
pub struct IncomingLink {
    url: Url,
    redacted: String,
}

/// Why a URL was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rejected {
    #[error("refused a link of {len} bytes (at most {MAX_URL_LEN} are accepted)")]
    TooLong { len: usize },
    #[error("refused a link that is not a URL")]
    Malformed,
    #[error("refused a link with the scheme {scheme:?}; only {URL_SCHEME}: links are handled")]
    WrongScheme { scheme: String },
}

impl IncomingLink {
    pub fn parse(raw: &str) -> Result<Self, Rejected> {
        if raw.len() > MAX_URL_LEN {
            return Err(Rejected::TooLong { len: raw.len() });
        }
        let url = Url::parse(raw.trim()).map_err(|_| Rejected::Malformed)?;
        if url.scheme() != URL_SCHEME {
            // The scheme is ASCII by URL grammar; cap it so a hostile one stays short.
            let scheme = url.scheme().chars().take(40).collect();
            return Err(Rejected::WrongScheme { scheme });
        }
        let redacted = redact(&url);
        Ok(Self { url, redacted })
    }

    /// The URL's path, such as `/oauth/callback`.
    pub fn path(&self) -> &str {
        self.url.path()
    }

    /// The URL with secret parameter values masked and no fragment: safe to show and record.
    pub fn redacted(&self) -> &str {
        &self.redacted
    }
}

impl fmt::Display for IncomingLink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted)
    }
}

/// The URL for display: secret parameter values replaced by a readable `[redacted]`, every
/// other value percent-encoded as in the URL, and no fragment.
fn redact(url: &Url) -> String {
    let mut safe = url.clone();
    safe.set_fragment(None);
    safe.set_query(None);
    let mut shown = safe.to_string();
    if url.query().is_some() {
        let encode = |text: &str| url::form_urlencoded::byte_serialize(text.as_bytes()).collect();
        let pairs: Vec<String> = url
            .query_pairs()
            .map(|(key, value)| {
                let value = if SECRET_PARAMS.contains(&key.as_ref()) {
                    MASK.to_owned()
                } else {
                    encode(&value)
                };
                format!("{}={value}", encode(&key))
            })
            .collect();
        shown.push('?');
        shown.push_str(&pairs.join("&"));
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callback_is_accepted_with_the_code_masked() {
        let link = IncomingLink::parse("dev.grantry:/oauth/callback?code=SplxlOBe&state=af0i#tok")
            .expect("a callback URL");
        assert_eq!(link.path(), "/oauth/callback");
        assert_eq!(
            link.redacted(),
            "dev.grantry:/oauth/callback?code=[redacted]&state=af0i"
        );
        assert!(!link.to_string().contains("SplxlOBe"));
        assert!(!format!("{link:?}").is_empty());
    }

    #[test]
    fn every_credential_parameter_is_masked() {
        for key in SECRET_PARAMS {
            let link = IncomingLink::parse(&format!("dev.grantry:/x?{key}=hunter2&a=1"))
                .expect("valid URL");
            assert!(!link.redacted().contains("hunter2"), "{key} leaked: {link}");
            assert!(link.redacted().contains("a=1"));
        }
    }

    #[test]
    fn hostile_links_are_refused() {
        assert_eq!(
            IncomingLink::parse("https://evil.example/oauth/callback?code=1").err(),
            Some(Rejected::WrongScheme {
                scheme: "https".into()
            })
        );
        assert_eq!(
            IncomingLink::parse("not a url").err(),
            Some(Rejected::Malformed)
        );
        assert_eq!(IncomingLink::parse("").err(), Some(Rejected::Malformed));
        let huge = format!(
            "dev.grantry:/oauth/callback?state={}",
            "a".repeat(MAX_URL_LEN)
        );
        assert!(matches!(
            IncomingLink::parse(&huge),
            Err(Rejected::TooLong { .. })
        ));
    }
}
