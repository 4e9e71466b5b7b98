//! The authorization endpoint (RFC 6749 §4.1.1, RFC 7636, OpenID Connect Core §3.1.2): GET
//! validates the request and shows the consent page; POST takes the person's decision and
//! redirects back to the client with a code (or `access_denied`), `state`, and `iss`
//! (RFC 9207) where the personality sends it.
//!
//! Invariants: until the client and its redirect URI are known good, errors are shown in the
//! browser, never redirected (RFC 6749 §4.1.2.1); after that, every error goes back to the
//! client with its `state`. PKCE S256 is required of every request. A pushed request
//! (RFC 9126) is taken by its `request_uri` and checked again here (`par.rs`). A consent request is
//! answered once, and only from the sandbox's own origin (`src/guard.rs`, applied in `mod.rs`).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{OriginalUri, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

use super::consent_page::{self, Consent};
use super::{Params, split_scopes};
use crate::Shared;
use crate::config::{ClientConfig, Personality, TestUser};
use crate::oauth_error::OAuthError;
use crate::store::{AuthStore, Opener, Pending, redirect_matches};

/// The redirect back to the client, with `pairs` added to the redirect URI's query.
fn redirect_back(shared: &Shared, redirect_uri: &str, pairs: &[(&str, &str)]) -> Response {
    let Ok(mut url) = url::Url::parse(redirect_uri) else {
        return consent_page::error(StatusCode::BAD_REQUEST, "Bad redirect URI", redirect_uri);
    };
    {
        let mut query = url.query_pairs_mut();
        for (key, value) in pairs {
            query.append_pair(key, value);
        }
        // RFC 9207: the issuer, so the client can tell which provider answered (mix-up defence).
        if matches!(
            shared.personality,
            Personality::Generic | Personality::Google
        ) {
            query.append_pair("iss", &shared.issuer);
        }
    }
    // 303: the browser follows with a GET, whatever method brought it here.
    Redirect::to(url.as_str()).into_response()
}

fn redirect_error(
    shared: &Shared,
    redirect_uri: &str,
    state: Option<&str>,
    error: &OAuthError,
) -> Response {
    let mut pairs = vec![
        ("error", error.code),
        ("error_description", error.description.as_str()),
    ];
    if let Some(state) = state {
        pairs.push(("state", state));
    }
    redirect_back(shared, redirect_uri, &pairs)
}

pub async fn page(
    State(shared): State<Arc<Shared>>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let params = match Params::parse(query.unwrap_or_default().as_bytes()) {
        Ok(params) => params,
        Err(e) => {
            return consent_page::error(StatusCode::BAD_REQUEST, "Invalid request", &e.description);
        }
    };
    let mut store = shared.store();
    // A pushed request's parameters stand for the URL's (RFC 9126 §4, `par.rs`).
    let params = match super::par::resolve(&shared, &mut store, params) {
        Ok(params) => params,
        Err(refusal) => return refusal.render(&shared),
    };
    let opener = Opener::from_fetch_site(
        headers
            .get("sec-fetch-site")
            .and_then(|value| value.to_str().ok()),
    );
    let (client, pending) = match check(&shared, &store, &params, opener) {
        Ok(checked) => checked,
        Err(refusal) => return refusal.render(&shared),
    };
    let scopes = pending.scopes.clone();
    let request_id = store.add_pending(pending);
    let users = store.users.clone();
    drop(store);
    let known = shared.personality.scopes();
    consent_page::consent(&Consent {
        personality: shared.personality,
        action: uri.path(),
        request_id: &request_id,
        client_name: &client.name,
        users: &users,
        scopes: scopes
            .into_iter()
            .map(|s| {
                let info = known.iter().find(|k| k.name == s).copied();
                (s, info)
            })
            .collect(),
    })
}

/// Why an authorization request is refused: in the browser while the client or its redirect
/// URI is not known good, else back to the client.
pub(super) enum Refusal {
    Page {
        title: &'static str,
        detail: String,
    },
    Redirect {
        redirect_uri: String,
        state: Option<String>,
        error: OAuthError,
    },
}

impl Refusal {
    pub(super) fn page(title: &'static str, detail: impl Into<String>) -> Self {
        Self::Page {
            title,
            detail: detail.into(),
        }
    }

    pub(super) fn render(&self, shared: &Shared) -> Response {
        match self {
            Self::Page { title, detail } => {
                consent_page::error(StatusCode::BAD_REQUEST, title, detail)
            }
            Self::Redirect {
                redirect_uri,
                state,
                error,
            } => redirect_error(shared, redirect_uri, state.as_deref(), error),
        }
    }

    /// The refusal as an OAuth error, for the pushed authorization request endpoint, which
    /// answers the client itself (RFC 9126 §2.3).
    pub(super) fn into_error(self) -> OAuthError {
        match self {
            Self::Page { detail, .. } => OAuthError::invalid_request(detail),
            Self::Redirect { error, .. } => error,
        }
    }
}

/// Checks an authorization request (RFC 6749 §4.1.1, RFC 7636 §4.3, OpenID Connect Core
/// §3.1.2.1): its client and redirect URI, `response_type`, PKCE and scopes; the consent
/// request it opens, unless refused. The pushed authorization request endpoint checks pushed
/// requests with it too (`par.rs`).
pub(super) fn check(
    shared: &Shared,
    store: &AuthStore,
    params: &Params,
    opener: Opener,
) -> Result<(ClientConfig, Pending), Refusal> {
    // Until the client and its redirect URI are known good, errors stay in the browser.
    let Some(client_id) = params.get("client_id") else {
        return Err(Refusal::page("Invalid request", "client_id is missing."));
    };
    let Some(client) = store.client(client_id).cloned() else {
        return Err(Refusal::page(
            "Unknown client",
            format!("No client {client_id:?} is registered with this sandbox."),
        ));
    };
    let Some(redirect_uri) = params.get("redirect_uri") else {
        return Err(Refusal::page(
            "Invalid request",
            "redirect_uri is required by this provider.",
        ));
    };
    if !client
        .redirect_uris
        .iter()
        .any(|r| redirect_matches(r, redirect_uri))
    {
        return Err(Refusal::page(
            "Redirect URI not registered",
            format!("{redirect_uri:?} is not a registered redirect URI of {client_id:?}."),
        ));
    }
    let state = params.get("state");
    let fail = |error: OAuthError| Refusal::Redirect {
        redirect_uri: redirect_uri.to_owned(),
        state: state.map(str::to_owned),
        error,
    };

    if params.get("response_type") != Some("code") {
        return Err(fail(OAuthError::unsupported_response_type(
            "only response_type=code is supported",
        )));
    }
    let Some(challenge) = params.get("code_challenge") else {
        return Err(fail(OAuthError::invalid_request(
            "code_challenge is required (PKCE)",
        )));
    };
    if params.get("code_challenge_method") != Some("S256") {
        return Err(fail(OAuthError::invalid_request(
            "code_challenge_method must be S256",
        )));
    }
    let well_formed = challenge.len() == 43
        && challenge
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !well_formed {
        return Err(fail(OAuthError::invalid_request(
            "code_challenge must be a base64url SHA-256 digest (43 characters)",
        )));
    }
    let personality = shared.personality;
    let scopes = split_scopes(personality, params.get("scope"));
    if scopes.is_empty() && personality.is_oidc() {
        return Err(fail(OAuthError::invalid_scope("scope is required")));
    }
    let known = personality.scopes();
    if let Some(unknown) = scopes.iter().find(|s| !known.iter().any(|k| k.name == *s)) {
        return Err(fail(OAuthError::invalid_scope(format!(
            "unknown scope {unknown:?}"
        ))));
    }
    if personality == Personality::Generic
        && scopes.iter().any(|s| s == "offline_access")
        && !scopes.iter().any(|s| s == "openid")
    {
        return Err(fail(OAuthError::invalid_scope(
            "offline_access needs openid",
        )));
    }
    let pending = Pending {
        client_id: client.client_id.clone(),
        redirect_uri: redirect_uri.to_owned(),
        scopes,
        state: state.map(str::to_owned),
        nonce: params.get("nonce").map(str::to_owned),
        code_challenge: challenge.to_owned(),
        offline: params.get("access_type") == Some("offline"),
        force_refresh_token: params
            .all("prompt")
            .any(|p| p.split(' ').any(|p| p == "consent")),
        include_granted_scopes: params.get("include_granted_scopes") == Some("true"),
        expires_at: 0,
        opened: 0,
        opener,
    };
    Ok((client, pending))
}

pub async fn decide(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let params = match consent_page::posted_form(&headers, &body, "The consent form") {
        Ok(params) => params,
        Err(page) => return page,
    };
    let mut store = shared.store();
    let pending = params.get("request").and_then(|id| store.take_pending(id));
    let Some(pending) = pending else {
        return consent_page::error(
            StatusCode::BAD_REQUEST,
            "This sign-in request is no longer valid",
            "It expired or was already answered. Start again from the app.",
        );
    };
    let state = pending.state.as_deref();
    match params.get("decision") {
        Some("allow") => {}
        Some("deny") => {
            drop(store);
            let denied = OAuthError::access_denied("the user denied the request");
            return redirect_error(&shared, &pending.redirect_uri, state, &denied);
        }
        _ => {
            return consent_page::error(
                StatusCode::BAD_REQUEST,
                "Invalid request",
                "Choose Allow or Deny.",
            );
        }
    }
    let login = params.get("new_user").or_else(|| params.get("user"));
    let Some(login) = login.filter(|l| TestUser::is_valid_login(l)) else {
        return consent_page::error(
            StatusCode::BAD_REQUEST,
            "Choose a test user",
            "Pick a test user, or type a new one: 1 to 32 of a-z, 0-9, '.', '_' and '-'.",
        );
    };
    let granted: Vec<String> = params
        .all("scope")
        .filter(|s| pending.scopes.iter().any(|p| p == s))
        .map(str::to_owned)
        .collect();
    let user = match store.user_or_create(login) {
        Ok(user) => user,
        Err(full) => {
            return consent_page::error(StatusCode::BAD_REQUEST, "Choose a test user", &full);
        }
    };
    let code = store.consent(&pending, &user, granted);
    shared.changed();
    drop(store);
    shared.log_tokens([code.as_str()]);
    let mut pairs = vec![("code", code.as_str())];
    if let Some(state) = state {
        pairs.push(("state", state));
    }
    redirect_back(&shared, &pending.redirect_uri, &pairs)
}
