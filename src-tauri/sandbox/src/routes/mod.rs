//! The HTTP face of the sandbox: which paths each personality serves (generic, Google,
//! Facebook, GitHub, Microsoft, GitLab), each behind the fault-injection middleware for its
//! endpoint (`src/faults.rs`), plus the admin API. Where a personality's shapes differ from the
//! standards they are in its own file (`google.rs`, `facebook.rs`, `github.rs`,
//! `microsoft.rs`, `gitlab.rs`).
//!
//! Invariants: every path a personality serves is in [`router`] (the device grant's, where the
//! provider has one, in [`device_routes`]), so the routing table here is the whole API; anything else is a plain 404. Every route, the 404 included, is behind the
//! Host check of `src/guard.rs`; the consent form and the admin API are behind its Origin
//! check too, and request bodies are limited to [`MAX_BODY`]. Handlers hold the store's lock
//! only while they read or change it, and mark it changed (`Shared::changed` in `src/lib.rs`)
//! after every change. The rules
//! about codes, grants and tokens live in `crate::store`, never in a handler; request parsing is
//! in `src/params.rs` and the response shapes, the standard ones and the providers' own error
//! bodies, in `src/replies/`.

mod admin;
mod authorize;
mod consent_page;
mod device;
mod discovery;
mod facebook;
mod github;
mod gitlab;
mod google;
mod introspection;
mod microsoft;
mod par;
mod revocation;
mod token;
mod token_exchange;
mod userinfo;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, delete, get};

use crate::Shared;
use crate::config::Personality;
use crate::faults::{self, Endpoint};
use crate::guard;

use crate::params::{
    ClientCredentials, Params, bearer_token, client_and_token, join_scopes, split_scopes,
};
use crate::replies::{bearer_error, no_store, oauth_error};

/// The largest request body accepted: far more than any form or admin call needs.
pub const MAX_BODY: usize = 64 * 1024;

/// Facebook's Graph API version in the imitated paths.
pub const GRAPH_VERSION: &str = "v25.0";

pub fn router(shared: Arc<Shared>) -> Router {
    let s = &shared;
    let mut app = Router::new();
    let authorize = || {
        get(authorize::page).post(authorize::decide).route_layer(
            axum::middleware::from_fn_with_state(shared.clone(), guard::same_origin),
        )
    };
    app = match shared.personality {
        Personality::Generic => app
            .route(
                "/.well-known/openid-configuration",
                at(s, Endpoint::Discovery, get(discovery::discovery)),
            )
            .route(
                "/.well-known/oauth-authorization-server",
                at(s, Endpoint::Discovery, get(discovery::discovery)),
            )
            .route("/jwks", at(s, Endpoint::Jwks, get(discovery::jwks)))
            .route("/authorize", at(s, Endpoint::Authorize, authorize()))
            .route("/par", at(s, Endpoint::Par, axum::routing::post(par::push)))
            .route(
                "/token",
                at(s, Endpoint::Token, axum::routing::post(token::token)),
            )
            .route(
                "/userinfo",
                at(
                    s,
                    Endpoint::Userinfo,
                    get(userinfo::userinfo).post(userinfo::userinfo),
                ),
            )
            .route(
                "/revoke",
                at(s, Endpoint::Revoke, axum::routing::post(revocation::revoke)),
            )
            .route(
                "/introspect",
                at(
                    s,
                    Endpoint::Introspect,
                    axum::routing::post(introspection::introspect),
                ),
            ),
        Personality::Google => app
            .route(
                "/.well-known/openid-configuration",
                at(s, Endpoint::Discovery, get(discovery::discovery)),
            )
            .route(
                "/oauth2/v3/certs",
                at(s, Endpoint::Jwks, get(discovery::jwks)),
            )
            .route("/o/oauth2/v2/auth", at(s, Endpoint::Authorize, authorize()))
            .route(
                "/token",
                at(s, Endpoint::Token, axum::routing::post(token::token)),
            )
            .route(
                "/v1/userinfo",
                at(
                    s,
                    Endpoint::Userinfo,
                    get(userinfo::userinfo).post(userinfo::userinfo),
                ),
            )
            .route(
                "/revoke",
                at(s, Endpoint::Revoke, axum::routing::post(google::revoke)),
            )
            .route(
                "/tokeninfo",
                at(
                    s,
                    Endpoint::Userinfo,
                    get(google::tokeninfo).post(google::tokeninfo),
                ),
            ),
        Personality::Facebook => app
            .route(
                &format!("/{GRAPH_VERSION}/dialog/oauth"),
                at(s, Endpoint::Authorize, authorize()),
            )
            .route(
                &format!("/{GRAPH_VERSION}/oauth/access_token"),
                at(s, Endpoint::Token, get(token::token).post(token::token)),
            )
            .route("/me", at(s, Endpoint::Userinfo, get(facebook::me)))
            .route(
                "/me/permissions",
                at(s, Endpoint::Userinfo, get(facebook::permissions)).merge(at(
                    s,
                    Endpoint::Revoke,
                    delete(facebook::delete_permissions),
                )),
            )
            .route(
                "/me/permissions/{permission}",
                at(s, Endpoint::Revoke, delete(facebook::delete_permission)),
            )
            .route(
                "/debug_token",
                at(s, Endpoint::Introspect, get(facebook::debug_token)),
            ),
        Personality::Github => app
            .route(
                "/login/oauth/authorize",
                at(s, Endpoint::Authorize, authorize()),
            )
            .route(
                "/login/oauth/access_token",
                at(s, Endpoint::Token, axum::routing::post(token::token)),
            )
            .route("/user", at(s, Endpoint::Userinfo, get(github::user)))
            .route(
                "/applications/{client_id}/grant",
                at(s, Endpoint::Revoke, delete(github::delete_grant)),
            ),
        Personality::Gitlab => app
            .route(
                "/.well-known/openid-configuration",
                at(s, Endpoint::Discovery, get(discovery::discovery)),
            )
            .route(
                "/oauth/discovery/keys",
                at(s, Endpoint::Jwks, get(discovery::jwks)),
            )
            .route("/oauth/authorize", at(s, Endpoint::Authorize, authorize()))
            .route(
                "/oauth/token",
                at(s, Endpoint::Token, axum::routing::post(token::token)),
            )
            .route(
                "/oauth/revoke",
                at(s, Endpoint::Revoke, axum::routing::post(gitlab::revoke)),
            )
            .route(
                "/oauth/token/info",
                at(s, Endpoint::Introspect, get(gitlab::token_info)),
            )
            .route(
                "/oauth/userinfo",
                at(
                    s,
                    Endpoint::Userinfo,
                    get(gitlab::userinfo).post(gitlab::userinfo),
                ),
            )
            .route("/api/v4/user", at(s, Endpoint::Userinfo, get(gitlab::user))),
        // Every path but Graph's userinfo is under a tenant, which `microsoft.rs` checks.
        Personality::Microsoft => app
            .route(
                "/{tenant}/v2.0/.well-known/openid-configuration",
                at(s, Endpoint::Discovery, get(microsoft::discovery)),
            )
            .route(
                "/{tenant}/discovery/v2.0/keys",
                at(s, Endpoint::Jwks, get(microsoft::jwks)),
            )
            .route(
                "/{tenant}/oauth2/v2.0/authorize",
                at(
                    s,
                    Endpoint::Authorize,
                    get(microsoft::authorize_page)
                        .post(microsoft::authorize_decide)
                        .route_layer(axum::middleware::from_fn_with_state(
                            shared.clone(),
                            guard::same_origin,
                        )),
                ),
            )
            .route(
                "/{tenant}/oauth2/v2.0/token",
                at(s, Endpoint::Token, axum::routing::post(token::tenant_token)),
            )
            .route(
                "/oidc/userinfo",
                at(
                    s,
                    Endpoint::Userinfo,
                    get(userinfo::userinfo).post(userinfo::userinfo),
                ),
            ),
    };
    if device::serves(shared.personality) {
        app = device_routes(app, &shared);
    }
    app.merge(admin::router(&shared))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(axum::middleware::from_fn_with_state(
            shared.clone(),
            guard::own_host,
        ))
        .with_state(shared)
}

/// The device authorization grant's endpoint and verification page (`device.rs`), for the
/// personalities whose provider has them; the page's form post is behind the Origin check.
fn device_routes(app: Router<Arc<Shared>>, shared: &Arc<Shared>) -> Router<Arc<Shared>> {
    let s = shared;
    let personality = shared.personality;
    let endpoint = match personality {
        Personality::Microsoft => axum::routing::post(device::tenant_authorize),
        _ => axum::routing::post(device::authorize),
    };
    let page =
        get(device::page)
            .post(device::decide)
            .route_layer(axum::middleware::from_fn_with_state(
                shared.clone(),
                guard::same_origin,
            ));
    app.route(
        device::endpoint_path(personality),
        at(s, Endpoint::DeviceAuthorization, endpoint),
    )
    .route(
        device::page_path(personality),
        at(s, Endpoint::Authorize, page),
    )
}

/// What a `private_key_jwt` client assertion's `aud` may be at any endpoint of this sandbox:
/// its issuer, or its token endpoint URL (`src/client_assertion.rs` says why both).
fn assertion_audiences(shared: &Shared) -> Vec<String> {
    let issuer = &shared.issuer;
    let token_path = match shared.personality {
        Personality::Generic | Personality::Google => "/token".to_owned(),
        Personality::Gitlab => "/oauth/token".to_owned(),
        Personality::Github => "/login/oauth/access_token".to_owned(),
        Personality::Facebook => format!("/{GRAPH_VERSION}/oauth/access_token"),
        Personality::Microsoft => "/common/oauth2/v2.0/token".to_owned(),
    };
    vec![issuer.clone(), format!("{issuer}{token_path}")]
}

/// Writes the client assertion a request carries to the test-only token log
/// (`Shared::log_tokens`), so that Grantry's leak sweeps look for it too.
fn log_assertion(shared: &Shared, body: &[u8]) {
    let assertion = url::form_urlencoded::parse(body)
        .find(|(name, _)| name == "client_assertion")
        .map(|(_, value)| value.into_owned());
    shared.log_tokens(assertion.as_deref());
}

/// The start of a revocation or introspection request of the strict personality: its client
/// assertion and DPoP proof logged for the leak sweeps (before the store's lock), a DPoP proof,
/// when sent, checked (RFC 9449; none is needed here), then the client authenticated. Returns
/// the store, locked, with the client's id and the `token` it sent.
fn client_and_token_with_proof<'a>(
    shared: &'a Shared,
    (method, uri): (&axum::http::Method, &axum::http::Uri),
    headers: &axum::http::HeaderMap,
    body: &[u8],
) -> (
    std::sync::MutexGuard<'a, crate::store::AuthStore>,
    Result<(String, String), crate::oauth_error::OAuthError>,
) {
    log_assertion(shared, body);
    crate::dpop::log_proofs(shared, headers);
    let mut store = shared.store();
    let htu = crate::dpop::htu(shared, uri.path());
    let outcome = crate::dpop::check(&mut store, headers, method, &htu, None)
        .and_then(|_| client_and_token(&mut store, &assertion_audiences(shared), headers, body));
    (store, outcome)
}

/// An endpoint's handlers, behind the fault-injection middleware for `endpoint`.
fn at(
    shared: &Arc<Shared>,
    endpoint: Endpoint,
    handlers: MethodRouter<Arc<Shared>>,
) -> MethodRouter<Arc<Shared>> {
    handlers.route_layer(axum::middleware::from_fn_with_state(
        (shared.clone(), endpoint),
        faults::apply,
    ))
}

async fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "no such endpoint on this sandbox\n").into_response()
}
