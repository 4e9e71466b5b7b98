//! The HTTP face of the sandbox: which paths each personality serves, request parameter
//! parsing shared by the endpoints, and the admin API. Endpoint logic lives in the files
//! beside this one; the rules about codes, grants and tokens live in `crate::store`.

mod admin;
mod authorize;
mod consent_page;
mod facebook;
mod github;
mod oidc;
mod token;

use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, delete, get};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::Shared;
use crate::config::Personality;
use crate::faults::{self, Endpoint};
use crate::oauth_error::OAuthError;

/// Facebook's Graph API version in the imitated paths.
pub const GRAPH_VERSION: &str = "v19.0";

pub fn router(shared: Arc<Shared>) -> Router {
    let s = &shared;
    let mut app = Router::new();
    let authorize = || get(authorize::page).post(authorize::decide);
    app = match shared.personality {
        Personality::Generic => app
            .route(
                "/.well-known/openid-configuration",
                at(s, Endpoint::Discovery, get(oidc::discovery)),
            )
            .route(
                "/.well-known/oauth-authorization-server",
                at(s, Endpoint::Discovery, get(oidc::discovery)),
            )
            .route("/jwks", at(s, Endpoint::Jwks, get(oidc::jwks)))
            .route("/authorize", at(s, Endpoint::Authorize, authorize()))
            .route(
                "/token",
                at(s, Endpoint::Token, axum::routing::post(token::token)),
            )
            .route(
                "/userinfo",
                at(
                    s,
                    Endpoint::Userinfo,
                    get(oidc::userinfo).post(oidc::userinfo),
                ),
            )
            .route(
                "/revoke",
                at(s, Endpoint::Revoke, axum::routing::post(oidc::revoke)),
            )
            .route(
                "/introspect",
                at(
                    s,
                    Endpoint::Introspect,
                    axum::routing::post(oidc::introspect),
                ),
            ),
        Personality::Google => app
            .route(
                "/.well-known/openid-configuration",
                at(s, Endpoint::Discovery, get(oidc::discovery)),
            )
            .route("/oauth2/v3/certs", at(s, Endpoint::Jwks, get(oidc::jwks)))
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
                    get(oidc::userinfo).post(oidc::userinfo),
                ),
            )
            .route(
                "/revoke",
                at(
                    s,
                    Endpoint::Revoke,
                    axum::routing::post(oidc::google_revoke),
                ),
            )
            .route(
                "/tokeninfo",
                at(
                    s,
                    Endpoint::Userinfo,
                    get(oidc::google_tokeninfo).post(oidc::google_tokeninfo),
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
    };
    app.merge(admin::router())
        .fallback(not_found)
        .with_state(shared)
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

/// Request parameters from a query string or a form body (RFC 6749 §3.2: the token endpoint
/// takes `application/x-www-form-urlencoded`). A parameter sent twice is an error (§3.1).
pub struct Params(Vec<(String, String)>);

impl Params {
    pub fn parse(text: &[u8]) -> Result<Self, OAuthError> {
        let pairs: Vec<(String, String)> = url::form_urlencoded::parse(text)
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let mut seen: Vec<&str> = Vec::new();
        for (key, _) in &pairs {
            if seen.contains(&key.as_str()) && key != "scope" {
                return Err(OAuthError::invalid_request(format!(
                    "parameter {key:?} is repeated"
                )));
            }
            seen.push(key);
        }
        Ok(Self(pairs))
    }

    /// The query string and, for form posts, the body, as one parameter set.
    pub fn from_request(
        query: Option<&str>,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<Self, OAuthError> {
        let mut all = Vec::new();
        if let Some(query) = query {
            all.extend_from_slice(query.as_bytes());
        }
        if !body.is_empty() {
            let form = headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
            if !form {
                return Err(OAuthError::invalid_request(
                    "the body must be application/x-www-form-urlencoded",
                ));
            }
            if !all.is_empty() {
                all.push(b'&');
            }
            all.extend_from_slice(body);
        }
        Self::parse(&all)
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    }

    pub fn all(&self, key: &str) -> impl Iterator<Item = &str> {
        self.0
            .iter()
            .filter(move |(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    pub fn require(&self, key: &str) -> Result<&str, OAuthError> {
        self.get(key)
            .ok_or_else(|| OAuthError::invalid_request(format!("missing parameter {key:?}")))
    }
}

/// Client credentials as sent: HTTP Basic (RFC 6749 §2.3.1, form-encoded parts) or
/// `client_id` / `client_secret` in the parameters. Sending both ways is refused.
pub struct ClientCredentials {
    pub client_id: String,
    pub secret: Option<String>,
    pub basic: bool,
}

impl ClientCredentials {
    pub fn from_request(headers: &HeaderMap, params: &Params) -> Result<Self, OAuthError> {
        let basic = match headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
        {
            Some(value) if value.len() > 6 && value[..6].eq_ignore_ascii_case("basic ") => {
                Some(parse_basic(&value[6..])?)
            }
            _ => None,
        };
        match basic {
            Some((client_id, secret)) => {
                if params.get("client_secret").is_some() {
                    return Err(OAuthError::invalid_request(
                        "use one client authentication method, not Basic and client_secret both",
                    ));
                }
                if params.get("client_id").is_some_and(|id| id != client_id) {
                    return Err(OAuthError::invalid_client(
                        "client_id does not match the Basic credentials",
                    ));
                }
                Ok(Self {
                    client_id,
                    secret: Some(secret),
                    basic: true,
                })
            }
            None => Ok(Self {
                client_id: params
                    .get("client_id")
                    .ok_or_else(|| OAuthError::invalid_client("missing client_id"))?
                    .to_owned(),
                secret: params.get("client_secret").map(str::to_owned),
                basic: false,
            }),
        }
    }
}

fn parse_basic(encoded: &str) -> Result<(String, String), OAuthError> {
    let bad = || OAuthError::invalid_client("malformed Basic credentials");
    let decoded = STANDARD.decode(encoded.trim()).map_err(|_| bad())?;
    let text = String::from_utf8(decoded).map_err(|_| bad())?;
    let (id, secret) = text.split_once(':').ok_or_else(bad)?;
    let unescape = |part: &str| {
        url::form_urlencoded::parse(format!("x={part}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    };
    Ok((unescape(id), unescape(secret)))
}

/// The bearer token of a resource request: `Authorization: Bearer …` (RFC 6750 §2.1), or the
/// forms some providers also take (GitHub's `token …`, Graph's `access_token` parameter).
pub fn bearer_token(headers: &HeaderMap, params: Option<&Params>) -> Option<String> {
    let header = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    if let Some(value) = header {
        let (scheme, token) = value.split_once(' ')?;
        let known = scheme.eq_ignore_ascii_case("bearer") || scheme.eq_ignore_ascii_case("token");
        return known
            .then(|| token.trim().to_owned())
            .filter(|t| !t.is_empty());
    }
    params?.get("access_token").map(str::to_owned)
}

/// A JSON response that must not be cached (RFC 6749 §5.1).
pub fn no_store(status: StatusCode, body: serde_json::Value) -> Response {
    let mut response = (status, axum::Json(body)).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
        .headers_mut()
        .insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    response
}

/// An RFC 6749 §5.2 error in the standard JSON shape.
pub fn oauth_error(error: &OAuthError, basic_auth: bool) -> Response {
    let status = StatusCode::from_u16(error.status).unwrap_or(StatusCode::BAD_REQUEST);
    let mut response = no_store(
        status,
        serde_json::json!({"error": error.code, "error_description": error.description}),
    );
    if status == StatusCode::UNAUTHORIZED && basic_auth {
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Basic realm=\"grantry-sandbox\""),
        );
    }
    response
}

/// An RFC 6750 §3 error for a resource request.
pub fn bearer_error(error: &OAuthError) -> Response {
    let status = StatusCode::from_u16(error.status).unwrap_or(StatusCode::UNAUTHORIZED);
    let challenge = format!(
        "Bearer realm=\"grantry-sandbox\", error=\"{}\", error_description=\"{}\"",
        error.code,
        error.description.replace(['"', '\\'], "'")
    );
    let mut response = (
        status,
        axum::Json(
            serde_json::json!({"error": error.code, "error_description": error.description}),
        ),
    )
        .into_response();
    if let Ok(value) = HeaderValue::from_str(&challenge) {
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, value);
    }
    response
}

/// Splits a scope parameter on the personality's separator (and spaces, which all accept).
pub fn split_scopes(personality: Personality, scope: Option<&str>) -> Vec<String> {
    let separator = personality.scope_separator();
    let mut scopes: Vec<String> = Vec::new();
    for part in scope.unwrap_or_default().split([separator, ' ']) {
        if !part.is_empty() && !scopes.iter().any(|s| s == part) {
            scopes.push(part.to_owned());
        }
    }
    scopes
}

pub fn join_scopes(personality: Personality, scopes: &[String]) -> String {
    scopes.join(&personality.scope_separator().to_string())
}
