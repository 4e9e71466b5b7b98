//! The authorization request (RFC 6749 §4.1.1) with PKCE S256 (RFC 7636), `state` and, for
//! OpenID providers, `nonce`; and the links under way ([`PendingLinks`]) that their answers
//! must match. A pending link is single use, bound to its provider, environment and redirect
//! URI, and expires after [`PENDING_LIFETIME`]. `state` is only ever compared in constant
//! time, in one place ([`PendingLinks::position`]).

use std::sync::{Arc, Mutex, MutexGuard};

use openidconnect::core::CoreAuthenticationFlow;
use openidconnect::{CsrfToken, Nonce, PkceCodeChallenge, PkceCodeVerifier, Scope};
use subtle::ConstantTimeEq;

use super::callback::Callback;
use super::client::client;
use super::discovery::Endpoints;
use crate::error::Error;
use crate::providers::{Environment, Redirect};

/// How long a started link waits for its answer, in seconds.
pub const PENDING_LIFETIME: i64 = 600;

/// What the caller needs to send the person to the provider.
#[derive(Debug, Clone)]
pub struct Started {
    pub authorization_url: String,
    pub redirect_uri: String,
    /// Identifies the link (to cancel it or open it again); it travels in the URL anyway.
    pub state: String,
    pub expires_at: i64,
}

/// A started link, waiting for the provider's answer. Its PKCE verifier and nonce never leave
/// it; `Debug` is not derived, so they cannot be printed.
pub struct Pending {
    state: String,
    /// Where the person was sent, to send them there again.
    authorization_url: String,
    pub(crate) nonce: Nonce,
    pub(crate) verifier: PkceCodeVerifier,
    pub provider: String,
    pub environment: String,
    /// Sent to the provider, and again at the token endpoint (RFC 6749 §4.1.3).
    pub redirect_uri: String,
    /// Where the answer must arrive: the redirect URI, or `dev.grantry:/oauth/callback` for an
    /// answer handed on by the bridge page (`providers/redirect.rs`).
    pub arrives_at: String,
    pub scopes: Vec<String>,
    /// For a link that adds scopes to, or re-links, an account already here: its subject and
    /// label. An answer from another account is refused.
    pub for_account: Option<(String, String)>,
    started_at: i64,
    pub(crate) endpoints: Arc<Endpoints>,
    /// The DPoP key made for the account this link brings (RFC 9449), when the environment
    /// turns DPoP on: the code exchange's proof is signed with it, and it goes to the keyring
    /// with the tokens bound to it.
    pub dpop: Option<super::dpop::Dpop>,
}

impl Pending {
    /// The `state` that names this link.
    pub fn state(&self) -> &str {
        &self.state
    }

    /// The request was pushed (RFC 9126, `pushed_authorization.rs`): the browser is sent to
    /// `url`, which carries only `client_id` and `request_uri`.
    pub fn pushed(&mut self, url: String) {
        self.authorization_url = url;
    }
}

/// Builds the authorization request and the pending link that will check its answer.
pub fn start(
    provider: &str,
    env: &Environment,
    endpoints: Arc<Endpoints>,
    scopes: Vec<String>,
    redirect: &Redirect,
    extra: &[(&str, &str)],
    now: i64,
) -> Result<(Started, Pending), Error> {
    let redirect_uri = redirect.redirect_uri.as_str();
    let client = client(env, &endpoints, None, Some(redirect_uri))?;
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let mut request = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .set_pkce_challenge(challenge);
    // With an issuer the client adds `openid` itself; without one, it is asked like any other.
    let automatic = endpoints.issuer.is_some();
    for scope in scopes
        .iter()
        .filter(|s| !(automatic && s.as_str() == "openid"))
    {
        request = request.add_scope(Scope::new(scope.clone()));
    }
    for (key, value) in &env.extra_params {
        request = request.add_extra_param(key.clone(), value.clone());
    }
    for (key, value) in extra {
        if !env.extra_params.contains_key(*key) {
            request = request.add_extra_param(*key, *value);
        }
    }
    let (url, state, nonce) = request.url();
    let started = Started {
        authorization_url: url.to_string(),
        redirect_uri: redirect_uri.to_owned(),
        state: state.secret().clone(),
        expires_at: now.saturating_add(PENDING_LIFETIME),
    };
    let pending = Pending {
        state: state.secret().clone(),
        authorization_url: started.authorization_url.clone(),
        nonce,
        verifier,
        provider: provider.to_owned(),
        environment: env.name.clone(),
        redirect_uri: redirect_uri.to_owned(),
        arrives_at: redirect.arrives_at.clone(),
        scopes,
        for_account: None,
        started_at: now,
        endpoints,
        dpop: None,
    };
    Ok((started, pending))
}

/// The links under way in this process.
#[derive(Default)]
pub struct PendingLinks(Mutex<Vec<Pending>>);

impl PendingLinks {
    fn links(&self) -> MutexGuard<'_, Vec<Pending>> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Where the link with this `state` is, compared in constant time: the one lookup.
    fn position(links: &[Pending], state: &str) -> Option<usize> {
        links
            .iter()
            .position(|p| bool::from(p.state.as_bytes().ct_eq(state.as_bytes())))
    }

    pub fn insert(&self, pending: Pending) {
        self.links().push(pending);
    }

    /// Drops a link under way: an answer to it is refused from now on. Returns whether there
    /// was one.
    pub fn cancel(&self, state: &str) -> bool {
        let mut links = self.links();
        Self::position(&links, state)
            .map(|index| links.remove(index))
            .is_some()
    }

    /// Whether a link with this `state` is under way (expired or not): an answer naming it
    /// is one Grantry waits for.
    pub fn awaits(&self, state: &str) -> bool {
        Self::position(&self.links(), state).is_some()
    }

    /// The authorization URL of a link under way, to open it again.
    pub fn authorization_url(&self, state: &str) -> Option<String> {
        let links = self.links();
        Self::position(&links, state).map(|index| links[index].authorization_url.clone())
    }

    /// Takes out the link this callback answers (so it is used once), or says why the
    /// callback is refused: unknown or used `state`, expired, another redirect URI, or an
    /// `iss` that names another issuer or is missing though promised (RFC 9207).
    pub fn claim(&self, callback: &Callback, now: i64) -> Result<Pending, String> {
        let mut links = self.links();
        // Long-forgotten links go; recently expired ones stay to be named as expired.
        links.retain(|p| now - p.started_at <= PENDING_LIFETIME * 6);
        let index = Self::position(&links, &callback.state)
            .ok_or("it answers no sign-in Grantry started, or one already answered")?;
        let found = links.remove(index);
        drop(links);
        if now - found.started_at > PENDING_LIFETIME {
            return Err("the sign-in expired (10 minutes); start it again".into());
        }
        if callback.target != found.arrives_at {
            return Err(format!(
                "it arrived at {:?}, but the sign-in's answer was expected at {:?}",
                callback.target, found.arrives_at
            ));
        }
        match (&callback.iss, &found.endpoints.issuer) {
            (Some(iss), Some(expected)) if iss != expected => {
                return Err(format!(
                    "it comes from the issuer {iss:?}, not {expected:?} (mix-up defence, \
                     RFC 9207)"
                ));
            }
            (None, Some(_)) if found.endpoints.iss_parameter_supported => {
                return Err("the provider promised an `iss` parameter and it is missing".into());
            }
            _ => {}
        }
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use openidconnect::JsonWebKeySet;
    use url::Url;

    fn pending(state: &str, started_at: i64) -> Pending {
        let url = Url::parse("http://127.0.0.1:1/x").expect("url");
        Pending {
            state: state.into(),
            authorization_url: format!("http://127.0.0.1:1/authorize?state={state}"),
            nonce: Nonce::new("n".into()),
            verifier: PkceCodeVerifier::new("v".repeat(43)),
            provider: "sandbox".into(),
            environment: "local".into(),
            redirect_uri: "dev.grantry:/oauth/callback".into(),
            arrives_at: "dev.grantry:/oauth/callback".into(),
            scopes: vec!["openid".into()],
            for_account: None,
            started_at,
            dpop: None,
            endpoints: Arc::new(Endpoints {
                issuer: Some("http://127.0.0.1:1".into()),
                authorization: url.clone(),
                token: url,
                userinfo: None,
                revocation: None,
                introspection: None,
                jwks_uri: None,
                device_authorization: None,
                jwks: JsonWebKeySet::new(Vec::new()),
                iss_parameter_supported: true,
                pushed_authorization: None,
                pushed_authorization_required: false,
                id_token_algs: Vec::new(),
                advertised: Default::default(),
            }),
        }
    }

    fn callback(query: &str) -> Callback {
        Callback::parse(&format!("dev.grantry:/oauth/callback?{query}")).expect("parses")
    }

    #[test]
    fn an_expired_sign_in_is_refused_and_used_up() {
        let links = PendingLinks::default();
        links.insert(pending("s1", 1_000));
        let late = callback("code=c&state=s1&iss=http%3A%2F%2F127.0.0.1%3A1");
        let error = links
            .claim(&late, 1_000 + PENDING_LIFETIME + 1)
            .err()
            .expect("expired");
        assert!(error.contains("expired"), "{error}");
        assert!(
            links.authorization_url("s1").is_none(),
            "an expired sign-in cannot be tried again"
        );
    }

    #[test]
    fn state_must_match_and_iss_must_come_when_promised() {
        let links = PendingLinks::default();
        links.insert(pending("s1", 1_000));
        let other = callback("code=c&state=s2&iss=http%3A%2F%2F127.0.0.1%3A1");
        assert!(links.claim(&other, 1_001).is_err());
        assert!(
            links.authorization_url("s1").is_some(),
            "a wrong state uses nothing up"
        );
        let no_iss = callback("code=c&state=s1");
        let error = links.claim(&no_iss, 1_001).err().expect("iss missing");
        assert!(error.contains("iss"), "{error}");
        links.insert(pending("s1", 1_000));
        let good = callback("code=c&state=s1&iss=http%3A%2F%2F127.0.0.1%3A1");
        assert_eq!(links.claim(&good, 1_001).expect("valid").state, "s1");
        assert!(links.claim(&good, 1_002).is_err(), "an answer is used once");
    }

    #[test]
    fn cancelled_links_are_gone_and_others_stay() {
        let links = PendingLinks::default();
        links.insert(pending("s1", 1_000));
        links.insert(pending("s2", 1_000));
        assert!(links.cancel("s1"));
        assert!(!links.cancel("s1"), "cancelled once");
        assert!(links.authorization_url("s1").is_none());
        assert!(
            links
                .authorization_url("s2")
                .is_some_and(|u| u.contains("state=s2"))
        );
    }
}
