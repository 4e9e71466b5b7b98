//! The one way in for a URL that the OS hands to the app (`dev.grantry:/oauth/callback?…`, or
//! a configured provider's own scheme such as `com.googleusercontent.apps.…:/oauth2redirect`,
//! through a deep link). Any web page can open such a URL, so every one is hostile input: it is
//! parsed once, length-capped, must be of one of those schemes, and is recorded in the history
//! only in redacted form (`redact.rs`). A sign-in response then finishes the link it
//! answers, or is refused and recorded when it answers none. What happened reaches the window
//! as events (`events.rs`) and the caller as a [`Received`].
//!
//! A page can open links in a loop, and each recorded link is a history row. So links that
//! answer no sign-in under way (refused at the door, links of ours that are no answer, answers
//! naming no link) are recorded only as [`LinkBudget`] allows: a burst of [`LINK_BURST`], then
//! one a second. The others are counted, not looked at further, and the count is recorded in
//! one row with the next link recorded. An answer to a link under way is never held back: a
//! page cannot know its `state`, so it cannot make its links pass for one.

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
    /// One of too many links answering no sign-in: counted, not recorded or looked at.
    Throttled,
}

/// How many links answering no sign-in are recorded at once, before one a second.
pub const LINK_BURST: u32 = 20;

/// A token bucket for links answering no sign-in: [`LINK_BURST`] tokens, one more each
/// second; a link takes one to be recorded. The links that found it empty are counted.
#[derive(Debug)]
pub(crate) struct LinkBudget {
    tokens: u32,
    /// When a token was last added (Unix seconds).
    filled_at: i64,
    /// Links held back since the last one recorded.
    held_back: u64,
}

impl Default for LinkBudget {
    fn default() -> Self {
        Self {
            tokens: LINK_BURST,
            filled_at: i64::MIN,
            held_back: 0,
        }
    }
}

impl LinkBudget {
    /// Takes a token for a link arriving at `now`; `false` (and the link counted) when none
    /// is left.
    fn take(&mut self, now: i64) -> bool {
        let elapsed = now.saturating_sub(self.filled_at).max(0);
        let added = u32::try_from(elapsed).unwrap_or(u32::MAX);
        let tokens = self.tokens.saturating_add(added).min(LINK_BURST);
        if elapsed > 0 {
            self.filled_at = now;
        }
        match tokens.checked_sub(1) {
            Some(left) => {
                self.tokens = left;
                true
            }
            None => {
                self.tokens = 0;
                self.held_back += 1;
                false
            }
        }
    }

    /// The links held back since the last call.
    fn held_back(&mut self) -> u64 {
        std::mem::take(&mut self.held_back)
    }
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

/// The URL a launch of the app was given, from its arguments (`argv`, the program first): the
/// lone argument, when it is a URL of `dev.grantry:` or of a configured provider's scheme, as
/// `xdg-open` passes one (`scheme_handler.rs` writes `Exec=… %u`). Anything else is no link:
/// a URL among other arguments is not taken, so a command line with options stays one.
pub fn url_in_args(
    argv: impl IntoIterator<Item = String>,
    provider_schemes: &[String],
) -> Option<String> {
    let mut args = argv.into_iter().skip(1);
    let (Some(url), None) = (args.next(), args.next()) else {
        return None;
    };
    let (scheme, _) = url.split_once(':')?;
    let ours = scheme == URL_SCHEME || provider_schemes.iter().any(|s| s == scheme);
    ours.then_some(url)
}

impl Grantry {
    /// Takes in a URL from the OS: records it, and completes the link a sign-in response
    /// answers. `Err` only when the history could not be written.
    pub async fn receive_url(&self, raw: &str) -> Result<Received, Error> {
        self.receive_url_at(raw, clock::now()).await
    }

    /// [`Grantry::receive_url`] at the time `now`.
    pub async fn receive_url_at(&self, raw: &str, now: i64) -> Result<Received, Error> {
        let schemes = lock(&self.providers).provider_schemes();
        let url = match parse(raw, &schemes) {
            Ok(url) => url,
            Err(rejected) => {
                if !self.within_budget(now)? {
                    return Ok(Received::Throttled);
                }
                let reason = rejected.to_string();
                self.record(ActivityKind::DeepLinkRejected, &reason, None, now)?;
                return Ok(Received::Rejected(reason));
            }
        };
        // Answers on Grantry's scheme come to one path; a provider's scheme is only ever an
        // answer, and whether it is the awaited one is the pending link's to say.
        let answer = url.scheme() != URL_SCHEME || url.path() == CALLBACK_PATH;
        let callback = answer.then(|| Callback::from_url(&url).map_err(|e| e.to_string()));
        let awaited = matches!(&callback, Some(Ok(c)) if self.pending.awaits(&c.state));
        if !awaited && !self.within_budget(now)? {
            return Ok(Received::Throttled);
        }
        self.record(
            ActivityKind::DeepLinkReceived,
            &redact::url(&url),
            None,
            now,
        )?;
        let Some(callback) = callback else {
            return Ok(Received::Noted);
        };
        Ok(match self.finish_parsed(callback).await {
            Ok(account) => Received::Linked(account),
            Err(error) => Received::LinkFailed(error),
        })
    }

    /// Whether a link answering no sign-in may be recorded at `now` ([`LinkBudget`]). The
    /// first held back is logged; the count of those held back is recorded before the next
    /// link that is.
    fn within_budget(&self, now: i64) -> Result<bool, Error> {
        let (allowed, held_back) = {
            let mut budget = lock(&self.link_budget);
            let allowed = budget.take(now);
            let held_back = if allowed { budget.held_back() } else { 0 };
            if !allowed && budget.held_back == 1 {
                tracing::warn!(
                    "links from the OS come faster than {LINK_BURST} at once and then one a \
                     second: the next are counted, not recorded"
                );
            }
            (allowed, held_back)
        };
        if held_back > 0 {
            let detail = format!(
                "{held_back} links that answered no sign-in were not recorded: they came faster \
                 than {LINK_BURST} at once and then one a second"
            );
            self.record(ActivityKind::DeepLinkRejected, &detail, None, now)?;
        }
        Ok(allowed)
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

    #[test]
    fn a_launch_s_lone_link_argument_is_its_url() {
        let google = ["com.googleusercontent.apps.1-a".to_owned()];
        let args = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let url_in = |list: &[&str]| url_in_args(args(list), &google);
        let answer = "dev.grantry:/oauth/callback?code=c&state=s";
        assert_eq!(url_in(&["grantry-app", answer]).as_deref(), Some(answer));
        let theirs = "com.googleusercontent.apps.1-a:/oauth2redirect?code=c&state=s";
        assert_eq!(url_in(&["grantry-app", theirs]).as_deref(), Some(theirs));
        for no_link in [
            &["grantry-app"][..],
            &["grantry-app", answer, "--verbose"],
            &["grantry-app", "--verbose", answer],
            &["grantry-app", "https://evil.example/?code=c"],
            &["grantry-app", "com.googleusercontent.apps.2-b:/x?code=c"],
            &["grantry-app", "no-colon"],
        ] {
            assert_eq!(url_in(no_link), None, "{no_link:?}");
        }
    }

    #[test]
    fn the_budget_allows_a_burst_then_one_a_second() {
        let mut budget = LinkBudget::default();
        let taken = |budget: &mut LinkBudget, now, n| (0..n).filter(|_| budget.take(now)).count();
        assert_eq!(taken(&mut budget, 1_000, 100), LINK_BURST as usize);
        assert_eq!(budget.held_back(), 100 - u64::from(LINK_BURST));
        assert_eq!(budget.held_back(), 0, "counted once");
        assert_eq!(taken(&mut budget, 1_000, 5), 0, "the same second");
        assert_eq!(taken(&mut budget, 1_001, 5), 1, "one more a second");
        assert_eq!(taken(&mut budget, 1_004, 5), 3);
        assert_eq!(
            taken(&mut budget, 2_000, 100),
            LINK_BURST as usize,
            "full again"
        );
        // A clock set back adds nothing and takes nothing away.
        assert_eq!(taken(&mut budget, 10, 5), 0);
        assert_eq!(taken(&mut budget, 2_001, 5), 1);
    }
}
