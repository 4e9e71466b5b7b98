//! The one way in for a URL that the OS hands to the app (`dev.grantry:/oauth/callback?…`, or
//! a configured provider's own scheme such as `com.googleusercontent.apps.…:/oauth2redirect`,
//! through a deep link). Any web page can open such a URL, so every one is hostile input: it is
//! parsed once, length-capped, must be of one of those schemes, and is recorded in the history
//! only in redacted form (`redact.rs`). A sign-in response then finishes the link it
//! answers, or is refused and recorded when it answers none. What happened reaches the window
//! as events (`events.rs`) and the caller as a [`Received`].

use url::Url;

use super::{Grantry, lock};
use crate::clock;
use crate::error::Error;
use crate::model::{AccountSummary, ActivityKind};
use crate::oauth::callback::{Callback, MAX_URL_LEN};
use crate::providers::{CALLBACK_PATH, URL_SCHEME};
use crate::redact;

/// What became of a URL from the OS.
#[derive(Debug)]
pub enum Received {
    /// It was refused before anything else (too long, not a URL, another scheme).
    Rejected(String),
    /// A well-formed link of ours that is not a sign-in response: recorded, nothing more.
    Noted,
    /// A sign-in response that completed its link.
    Linked(AccountSummary),
    /// A sign-in response that was refused or whose link failed (recorded, with why).
    LinkFailed(Error),
}

/// Why a URL was refused at the door.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum Rejected {
    #[error("refused a link of {len} bytes (at most {MAX_URL_LEN} are accepted)")]
    TooLong { len: usize },
    #[error("refused a link that is not a URL")]
    Malformed,
    #[error(
        "refused a link with the scheme {scheme:?}; only {URL_SCHEME}: links and the schemes of \
         configured providers are handled"
    )]
    WrongScheme { scheme: String },
}

/// The door itself: a URL from the OS, checked before anything is recorded or looked up.
pub(crate) fn parse(raw: &str, provider_schemes: &[String]) -> Result<Url, Rejected> {
    if raw.len() > MAX_URL_LEN {
        return Err(Rejected::TooLong { len: raw.len() });
    }
    let url = Url::parse(raw.trim()).map_err(|_| Rejected::Malformed)?;
    let ours = url.scheme() == URL_SCHEME || provider_schemes.iter().any(|s| s == url.scheme());
    if !ours {
        // The scheme is ASCII by URL grammar; cap it so a hostile one stays short.
        let scheme = url.scheme().chars().take(40).collect();
        return Err(Rejected::WrongScheme { scheme });
    }
    Ok(url)
}

impl Grantry {
    /// Takes in a URL from the OS: records it, and completes the link a sign-in response
    /// answers. `Err` only when the history could not be written.
    pub async fn receive_url(&self, raw: &str) -> Result<Received, Error> {
        let now = clock::now();
        let schemes = lock(&self.providers).provider_schemes();
        let url = match parse(raw, &schemes) {
            Ok(url) => url,
            Err(rejected) => {
                let reason = rejected.to_string();
                self.record(ActivityKind::DeepLinkRejected, &reason, None, now)?;
                return Ok(Received::Rejected(reason));
            }
        };
        self.record(
            ActivityKind::DeepLinkReceived,
            &redact::url(&url),
            None,
            now,
        )?;
        // Answers on Grantry's scheme come to one path; a provider's scheme is only ever an
        // answer, and whether it is the awaited one is the pending link's to say.
        if url.scheme() == URL_SCHEME && url.path() != CALLBACK_PATH {
            return Ok(Received::Noted);
        }
        let callback = Callback::from_url(&url).map_err(|e| e.to_string());
        Ok(match self.finish_parsed(callback).await {
            Ok(account) => Received::Linked(account),
            Err(error) => Received::LinkFailed(error),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_links_are_refused_at_the_door() {
        let google = ["com.googleusercontent.apps.1-a".to_owned()];
        let parse = |raw: &str| parse(raw, &google);
        assert!(parse("com.googleusercontent.apps.1-a:/oauth2redirect?code=c&state=s").is_ok());
        assert!(matches!(
            parse("com.googleusercontent.apps.2-b:/oauth2redirect?code=c&state=s"),
            Err(Rejected::WrongScheme { .. })
        ));
        assert_eq!(
            parse("https://evil.example/oauth/callback?code=1").err(),
            Some(Rejected::WrongScheme {
                scheme: "https".into()
            })
        );
        assert_eq!(parse("not a url").err(), Some(Rejected::Malformed));
        assert_eq!(parse("").err(), Some(Rejected::Malformed));
        let huge = format!(
            "dev.grantry:/oauth/callback?state={}",
            "a".repeat(MAX_URL_LEN)
        );
        assert!(matches!(parse(&huge), Err(Rejected::TooLong { .. })));
        let ok = parse("dev.grantry:/oauth/callback?code=c&state=s").expect("ours");
        assert_eq!(ok.path(), CALLBACK_PATH);
    }
}
