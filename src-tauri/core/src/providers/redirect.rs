//! Redirect strategies: where a provider sends the browser back to, chosen per environment
//! (`redirect` in the providers file) and honoured alike by the window and the command line.
//!
//! - `custom_scheme`: `dev.grantry:/oauth/callback`, a deep link into the running app.
//! - `provider_scheme`: a private-use scheme the provider insists on (Google's iOS clients take
//!   only their reversed client id, `com.googleusercontent.apps.<id>:/oauth2redirect`), given as
//!   `redirect_uri`; the app registers it with the desktop while the provider is configured.
//! - `loopback`: `http://127.0.0.1:{port}/callback` on a listener of the link's own
//!   (RFC 8252 §7.3).
//! - `bridge`: an https page the user hosts (`redirect_uri`; the one in `bridge/` of this
//!   repository) that hands `code` and `state` on to `dev.grantry:/oauth/callback`, for
//!   providers that accept only https redirects (Facebook).
//! - `device`: no redirect at all: the device authorization grant (RFC 8628). Grantry shows a
//!   user code and a verification page, the person enters the code there in any browser, on
//!   any device, and Grantry polls the token endpoint (`engine/device_link.rs`). For providers
//!   with a `device_authorization_endpoint` (configured, or in their discovery document).
//!
//! Invariant: a link's answer is accepted only where its strategy says it arrives
//! ([`Redirect::arrives_at`]), and every scheme Grantry takes answers on is reverse-DNS
//! (RFC 8252 §7.1), never a web scheme.

use serde::{Deserialize, Serialize};
use url::Url;

use super::urls::{PlainHttp, check_url};
use super::{CUSTOM_SCHEME_REDIRECT, URL_SCHEME};

/// Where the provider sends the browser back to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum RedirectKind {
    /// `dev.grantry:/oauth/callback`, a deep link into the running app.
    #[default]
    CustomScheme,
    /// A private-use scheme of the provider's choosing (`redirect_uri`), registered with the
    /// desktop while the provider is configured.
    ProviderScheme,
    /// `http://127.0.0.1:{ephemeral}/callback`, a listener that waits for this link's answer
    /// (RFC 8252 §7.3).
    Loopback,
    /// An https page (`redirect_uri`) that forwards the answer to `dev.grantry:/oauth/callback`.
    Bridge,
    /// No redirect: the device authorization grant (RFC 8628), a user code entered on the
    /// provider's verification page while Grantry polls.
    Device,
}

impl RedirectKind {
    /// Whether the strategy needs a `redirect_uri` of its own.
    pub fn needs_uri(self) -> bool {
        matches!(self, Self::ProviderScheme | Self::Bridge)
    }

    /// The strategy in words, for messages.
    pub fn words(self) -> &'static str {
        match self {
            Self::CustomScheme => "the dev.grantry: link",
            Self::ProviderScheme => "the provider's own scheme",
            Self::Loopback => "a loopback listener on 127.0.0.1",
            Self::Bridge => "the HTTPS bridge page",
            Self::Device => "a device code entered at the provider",
        }
    }
}

/// One link's redirect: what is sent to the provider as `redirect_uri`, and where the answer
/// must arrive to be taken (the same, except through the bridge).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    pub redirect_uri: String,
    pub arrives_at: String,
}

impl Redirect {
    /// The redirect of a strategy with a fixed URI; `None` for loopback, whose URI names the
    /// port of a listener made for each link. The device grant has no redirect: refused.
    pub fn fixed(kind: RedirectKind, uri: Option<&str>) -> Result<Option<Self>, String> {
        let needs = || format!("redirect = {:?} needs a redirect_uri", kind_name(kind));
        Ok(match kind {
            RedirectKind::Device => {
                return Err("the device grant has no redirect: link it with a device code".into());
            }
            RedirectKind::CustomScheme => Some(Self::same(CUSTOM_SCHEME_REDIRECT)),
            RedirectKind::Loopback => None,
            RedirectKind::ProviderScheme => Some(Self::same(uri.ok_or_else(needs)?)),
            RedirectKind::Bridge => Some(Self {
                redirect_uri: uri.ok_or_else(needs)?.to_owned(),
                arrives_at: CUSTOM_SCHEME_REDIRECT.to_owned(),
            }),
        })
    }

    /// A redirect whose answer arrives where it was sent.
    pub fn same(uri: &str) -> Self {
        Self {
            redirect_uri: uri.to_owned(),
            arrives_at: uri.to_owned(),
        }
    }
}

fn kind_name(kind: RedirectKind) -> &'static str {
    match kind {
        RedirectKind::CustomScheme => "custom_scheme",
        RedirectKind::ProviderScheme => "provider_scheme",
        RedirectKind::Loopback => "loopback",
        RedirectKind::Bridge => "bridge",
        RedirectKind::Device => "device",
    }
}

/// Checks an environment's `redirect` and `redirect_uri` together. A bridge page on plain http needs the provider's opt-in, as its endpoints do (`plain_http`).
pub fn check(kind: RedirectKind, uri: Option<&str>, plain_http: PlainHttp) -> Result<(), String> {
    match (kind.needs_uri(), uri) {
        (true, None) => Err(format!(
            "redirect = {:?} needs a redirect_uri",
            kind_name(kind)
        )),
        (false, Some(_)) => Err(format!(
            "redirect_uri is only for the provider_scheme and bridge redirects, not {:?}",
            kind_name(kind)
        )),
        (false, None) => Ok(()),
        (true, Some(uri)) if kind == RedirectKind::Bridge => check_bridge(uri, plain_http),
        (true, Some(uri)) => check_provider_scheme(uri).map(|_| ()),
    }
}

/// A bridge page: https (or http on loopback, for tests), without query or fragment, since the
/// provider appends its answer and must match the registered URI exactly.
fn check_bridge(uri: &str, plain_http: PlainHttp) -> Result<(), String> {
    let url = Url::parse(uri).map_err(|e| format!("redirect_uri {uri:?}: {e}"))?;
    check_url(&url, plain_http).map_err(|reason| format!("redirect_uri: {reason}"))?;
    if url.query().is_some() || url.fragment().is_some() {
        return Err(format!(
            "redirect_uri {uri:?}: a bridge page's address has no query or fragment"
        ));
    }
    Ok(())
}

/// A provider's private-use scheme URI, `reverse.dns.name:/path` (RFC 8252 §7.1): a scheme with
/// a dot, not a web scheme nor Grantry's own, no authority, query or fragment. Returns the
/// scheme.
pub fn check_provider_scheme(uri: &str) -> Result<String, String> {
    let bad = |why: &str| Err(format!("redirect_uri {uri:?}: {why}"));
    let Ok(url) = Url::parse(uri) else {
        return bad("not a URI of the form reverse.dns.name:/path");
    };
    let scheme = url.scheme();
    if !scheme.contains('.') || scheme.len() > 100 {
        return bad("the scheme must be a reverse domain name, such as com.example.app");
    }
    if scheme == URL_SCHEME {
        return bad("that is Grantry's own scheme; choose redirect = \"custom_scheme\"");
    }
    if url.has_host() || url.cannot_be_a_base() || !uri[scheme.len()..].starts_with(":/") {
        return bad("write it as scheme:/path, with a single slash (RFC 8252 §7.1)");
    }
    if url.query().is_some() || url.fragment().is_some() {
        return bad("it may have no query or fragment");
    }
    Ok(scheme.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_strategy_sends_and_receives_where_it_says() {
        let custom = Redirect::fixed(RedirectKind::CustomScheme, None).expect("ok");
        assert_eq!(custom, Some(Redirect::same(CUSTOM_SCHEME_REDIRECT)));
        assert_eq!(
            Redirect::fixed(RedirectKind::Loopback, None).expect("ok"),
            None
        );
        let google = "com.googleusercontent.apps.123-abc:/oauth2redirect";
        assert_eq!(
            Redirect::fixed(RedirectKind::ProviderScheme, Some(google)).expect("ok"),
            Some(Redirect::same(google))
        );
        let bridge = Redirect::fixed(RedirectKind::Bridge, Some("https://me.example/b/"))
            .expect("ok")
            .expect("fixed");
        assert_eq!(bridge.redirect_uri, "https://me.example/b/");
        assert_eq!(bridge.arrives_at, CUSTOM_SCHEME_REDIRECT);
        assert!(Redirect::fixed(RedirectKind::Bridge, None).is_err());
    }

    #[test]
    fn redirect_uris_are_checked_against_their_strategy() {
        let ok = [
            (RedirectKind::CustomScheme, None),
            (RedirectKind::Loopback, None),
            (
                RedirectKind::ProviderScheme,
                Some("com.googleusercontent.apps.1-x:/oauth2redirect"),
            ),
            (
                RedirectKind::Bridge,
                Some("https://me.github.io/grantry-bridge/"),
            ),
        ];
        for (kind, uri) in ok {
            assert_eq!(
                check(kind, uri, PlainHttp::Refused),
                Ok(()),
                "{kind:?} {uri:?}"
            );
        }
        let local = Some("http://127.0.0.1:8080/bridge/");
        assert_eq!(
            check(RedirectKind::Bridge, local, PlainHttp::Loopback),
            Ok(())
        );
        let error = check(RedirectKind::Bridge, local, PlainHttp::Refused).expect_err("no opt-in");
        assert!(error.contains("allow_plain_http_loopback"), "{error}");
        let refused = [
            (RedirectKind::ProviderScheme, None, "needs a redirect_uri"),
            (
                RedirectKind::Loopback,
                Some("http://127.0.0.1/"),
                "only for",
            ),
            (
                RedirectKind::ProviderScheme,
                Some("myapp:/cb"),
                "reverse domain",
            ),
            (
                RedirectKind::ProviderScheme,
                Some("https://a.b/cb"),
                "reverse domain",
            ),
            (
                RedirectKind::ProviderScheme,
                Some("dev.grantry:/x"),
                "Grantry's own",
            ),
            (
                RedirectKind::ProviderScheme,
                Some("com.a.b://host/cb"),
                "single slash",
            ),
            (
                RedirectKind::ProviderScheme,
                Some("com.a.b:cb"),
                "single slash",
            ),
            (
                RedirectKind::ProviderScheme,
                Some("com.a.b:/cb?x=1"),
                "no query",
            ),
            (
                RedirectKind::Bridge,
                Some("http://bridge.example/"),
                "must use https",
            ),
            (
                RedirectKind::Bridge,
                Some("https://b.example/?a=1"),
                "no query",
            ),
            (RedirectKind::Bridge, Some("not a url"), "redirect_uri"),
            (
                RedirectKind::Bridge,
                Some("http://localhost:8080/bridge/"),
                "never on a name",
            ),
        ];
        for (kind, uri, expected) in refused {
            let error = check(kind, uri, PlainHttp::Loopback).expect_err("refused");
            assert!(error.contains(expected), "{expected:?} not in {error:?}");
        }
    }
}
