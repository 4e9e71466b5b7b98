//! The device authorization grant (RFC 8628) as each personality that has it serves it: the
//! device authorization endpoint (§3.1, §3.2), the verification page where the person enters
//! the user code (§3.3), and the device code polls the token endpoint hands here (§3.4, §3.5).
//!
//! The endpoint's path and answer are the provider's: the generic personality's
//! `/device_authorization` (advertised in discovery) with `verification_uri_complete`; Google's
//! `/device/code` with `verification_url`; GitHub's `/login/device/code`, form-encoded unless
//! JSON is asked for, its errors as HTTP 200 bodies; Microsoft's
//! `/{tenant}/oauth2/v2.0/devicecode` with its `message`. The polls' refusals are in the
//! personality's words too: Google's `authorization_pending` as HTTP 428 and `slow_down` and
//! `access_denied` as 403, Microsoft's AADSTS codes and `authorization_declined`.
//!
//! Invariants: the verification page is the consent page's sibling and as guarded: plain HTML
//! without script that no site may frame, every value escaped, behind the Host check, its form
//! post behind the Origin check (`src/guard.rs`) and carrying a one-time form token the page
//! was shown with (`src/store/device.rs`). A user code in the link (`verification_uri_complete`)
//! only fills the code in: the person still chooses Allow (§5.4). The device code is written
//! to the token log for the leak sweep and nowhere else. The rules are the store's.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{OriginalUri, Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::consent_page::{self, escape};
use super::{ClientCredentials, Params, split_scopes};
use crate::Shared;
use crate::config::{Personality, TestUser};
use crate::oauth_error::OAuthError;
use crate::store::{AuthStore, Issued, PollRefusal};

/// The device grant's `grant_type` (RFC 8628 §3.4).
pub const GRANT_TYPE: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// Whether the personality's provider has the device grant.
pub fn serves(personality: Personality) -> bool {
    matches!(
        personality,
        Personality::Generic | Personality::Google | Personality::Github | Personality::Microsoft
    )
}

/// The device authorization endpoint's path (Microsoft's is under a tenant).
pub fn endpoint_path(personality: Personality) -> &'static str {
    match personality {
        Personality::Google => "/device/code",
        Personality::Github => "/login/device/code",
        Personality::Microsoft => "/{tenant}/oauth2/v2.0/devicecode",
        _ => "/device_authorization",
    }
}

/// The verification page's path.
pub fn page_path(personality: Personality) -> &'static str {
    match personality {
        Personality::Github => "/login/device",
        Personality::Microsoft => "/devicelogin",
        _ => "/device",
    }
}

fn error(code: &'static str, status: u16, description: impl Into<String>) -> OAuthError {
    OAuthError {
        code,
        description: description.into(),
        status,
    }
}

/// Checks the client of a device request: as at the token endpoint, except that GitHub's
/// device flow takes the client id alone, its secret not being meant for devices.
fn authenticate(
    shared: &Shared,
    store: &mut AuthStore,
    credentials: &ClientCredentials,
) -> Result<(), OAuthError> {
    let id = &credentials.client_id;
    if shared.personality == Personality::Github
        && credentials.secret.is_none()
        && credentials.assertion.is_none()
    {
        return store
            .client(id)
            .map(|_| ())
            .ok_or_else(|| OAuthError::invalid_client(format!("unknown client {id:?}")));
    }
    credentials.authenticate(store, &super::assertion_audiences(shared))
}

/// `POST` to the device authorization endpoint (RFC 8628 §3.1).
pub async fn authorize(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let personality = shared.personality;
    match open(&shared, &headers, &body) {
        Ok(answer) => render(personality, &headers, answer),
        Err(error) => render_error(personality, &error),
    }
}

/// Microsoft's device authorization endpoint, under a tenant.
pub async fn tenant_authorize(
    State(shared): State<Arc<Shared>>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !super::microsoft::known_tenant(&tenant) {
        return super::microsoft::tenant_error("invalid_request", &tenant);
    }
    authorize(State(shared), headers, body).await
}

fn open(shared: &Shared, headers: &HeaderMap, body: &[u8]) -> Result<Value, OAuthError> {
    let personality = shared.personality;
    let params = Params::from_request(None, headers, body)?;
    let credentials = ClientCredentials::from_request(headers, &params)?;
    let scopes = split_scopes(personality, params.get("scope"));
    let known = personality.scopes();
    if let Some(unknown) = scopes.iter().find(|s| !known.iter().any(|k| k.name == *s)) {
        return Err(OAuthError::invalid_scope(format!(
            "unknown scope {unknown:?}"
        )));
    }
    if scopes.is_empty() && personality.is_oidc() {
        return Err(OAuthError::invalid_scope("scope is required"));
    }
    if personality == Personality::Generic
        && scopes.iter().any(|s| s == "offline_access")
        && !scopes.iter().any(|s| s == "openid")
    {
        return Err(OAuthError::invalid_scope("offline_access needs openid"));
    }
    let opened = {
        let mut store = shared.store();
        authenticate(shared, &mut store, &credentials)?;
        store.open_device_request(&credentials.client_id, scopes)
    };
    shared.log_tokens([opened.device_code.as_str()]);
    let page = format!("{}{}", shared.issuer, page_path(personality));
    let mut answer = json!({
        "device_code": opened.device_code,
        "user_code": opened.user_code,
        "verification_uri": page,
        "expires_in": opened.expires_in,
        "interval": opened.interval,
    });
    match personality {
        Personality::Generic => {
            let mut complete = url::Url::parse(&page).map_err(|e| {
                OAuthError::invalid_request(format!("the sandbox's page address: {e}"))
            })?;
            complete
                .query_pairs_mut()
                .append_pair("user_code", &opened.user_code);
            answer["verification_uri_complete"] = json!(complete.as_str());
        }
        Personality::Google => {
            // Google names it `verification_url`.
            if let Some(object) = answer.as_object_mut() {
                let uri = object.remove("verification_uri");
                object.insert("verification_url".into(), uri.unwrap_or_default());
            }
        }
        Personality::Microsoft => {
            answer["message"] = json!(format!(
                "To sign in, use a web browser to open the page {page} and enter the code {} \
                 to authenticate.",
                opened.user_code
            ));
        }
        _ => {}
    }
    Ok(answer)
}

fn render(personality: Personality, headers: &HeaderMap, answer: Value) -> Response {
    let wants_json = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"));
    if personality == Personality::Github && !wants_json {
        let mut form = url::form_urlencoded::Serializer::new(String::new());
        for (key, value) in answer.as_object().into_iter().flatten() {
            let text = value
                .as_str()
                .map_or_else(|| value.to_string(), str::to_owned);
            form.append_pair(key, &text);
        }
        return (
            [(header::CONTENT_TYPE, "application/x-www-form-urlencoded")],
            form.finish(),
        )
            .into_response();
    }
    crate::replies::no_store(StatusCode::OK, answer)
}

fn render_error(personality: Personality, error: &OAuthError) -> Response {
    match personality {
        Personality::Microsoft => crate::replies::microsoft::error(error),
        Personality::Github => crate::replies::no_store(
            StatusCode::OK,
            json!({"error": error.code, "error_description": error.description}),
        ),
        _ => crate::replies::oauth_error(error, false),
    }
}

/// A device code poll at the token endpoint (RFC 8628 §3.4), for an authenticated client;
/// called by `token.rs` with the store held. Its refusals come as the personality's errors.
pub(super) fn poll(
    shared: &Shared,
    store: &mut AuthStore,
    credentials: &ClientCredentials,
    params: &Params,
) -> Result<Issued, OAuthError> {
    let personality = shared.personality;
    authenticate(shared, store, credentials)?;
    let device_code = params.require("device_code")?;
    let fault = shared.faults().take_device();
    match store.poll_device(&credentials.client_id, device_code, fault)? {
        Ok(issued) => Ok(issued),
        Err(refusal) => Err(refusal_error(personality, refusal)),
    }
}

/// A poll's refusal (RFC 8628 §3.5) as the personality says it.
fn refusal_error(personality: Personality, refusal: PollRefusal) -> OAuthError {
    let google = personality == Personality::Google;
    let microsoft = personality == Personality::Microsoft;
    match refusal {
        PollRefusal::Pending if microsoft => error(
            "authorization_pending",
            400,
            "AADSTS70016: OAuth 2.0 device flow error. Authorization is pending. Continue polling.",
        ),
        PollRefusal::Pending => error(
            "authorization_pending",
            if google { 428 } else { 400 },
            "the person has not answered yet",
        ),
        PollRefusal::SlowDown { interval } => error(
            "slow_down",
            if google { 403 } else { 400 },
            format!("polled too often: wait {interval} seconds between requests"),
        ),
        PollRefusal::Denied if microsoft => error(
            "authorization_declined",
            400,
            "AADSTS70000: The end user denied the authorization request.",
        ),
        PollRefusal::Denied => error(
            "access_denied",
            if google { 403 } else { 400 },
            "the person denied the request",
        ),
        PollRefusal::Expired if microsoft => error(
            "expired_token",
            400,
            "AADSTS70020: The provided value for the input parameter 'device_code' is not \
             valid. This device code has expired.",
        ),
        PollRefusal::Expired => error("expired_token", 400, "the device code expired: start again"),
    }
}

/// `GET` the verification page: the field for the user code, or, with a valid `user_code`
/// (typed, or in `verification_uri_complete`), the choice of test user and scopes.
pub async fn page(
    State(shared): State<Arc<Shared>>,
    OriginalUri(uri): OriginalUri,
    RawQuery(query): RawQuery,
) -> Response {
    let params = match Params::parse(query.unwrap_or_default().as_bytes()) {
        Ok(params) => params,
        Err(e) => return entry(&shared, uri.path(), Some(&e.description)),
    };
    let Some(typed) = params.get("user_code") else {
        return entry(&shared, uri.path(), None);
    };
    let mut store = shared.store();
    let Some((request, form_token)) = store.show_device_request(typed) else {
        drop(store);
        return entry(
            &shared,
            uri.path(),
            Some("That code is not valid: it expired, was already used, or was mistyped."),
        );
    };
    let client_name = store
        .client(&request.client_id)
        .map_or_else(|| request.client_id.clone(), |c| c.name.clone());
    let users = store.users.clone();
    drop(store);
    let personality = shared.personality;
    let known = personality.scopes();
    let scopes: Vec<_> = request
        .scopes
        .iter()
        .map(|s| (s.clone(), known.iter().find(|k| k.name == *s).copied()))
        .collect();
    let body = format!(
        "<h1>Connect a device to {provider}</h1>\
         <p>Check that the device shows this code: <strong class=\"code\">{code}</strong></p>\
         <p><strong>{client}</strong> wants to access your account from that device.</p>\
         <form method=\"post\" action=\"{action}\">\
         <input type=\"hidden\" name=\"user_code\" value=\"{code}\">\
         <input type=\"hidden\" name=\"form_token\" value=\"{token}\">\
         {users}{scopes}{buttons}</form>",
        provider = escape(consent_page::provider_label(personality)),
        code = escape(&request.user_code),
        client = escape(&client_name),
        action = escape(uri.path()),
        token = escape(&form_token),
        users = consent_page::user_choices(&users),
        scopes = consent_page::scope_fieldset(&client_name, &consent_page::scope_choices(&scopes)),
        buttons = consent_page::DECISION_BUTTONS,
    );
    consent_page::unframeable(
        StatusCode::OK,
        consent_page::page("Connect a device – Grantry Sandbox", &body),
    )
}

/// The page that asks for the user code, with why the last one was refused.
fn entry(shared: &Shared, action: &str, problem: Option<&str>) -> Response {
    let problem = problem.map_or_else(String::new, |p| {
        format!("<p class=\"error\" role=\"alert\">{}</p>", escape(p))
    });
    let body = format!(
        "<h1>Connect a device to {provider}</h1>{problem}\
         <form method=\"get\" action=\"{action}\">\
         <label>Enter the code the device shows: <input type=\"text\" name=\"user_code\" \
         autocomplete=\"off\" autocapitalize=\"characters\" spellcheck=\"false\" \
         placeholder=\"WDJB-MJHT\" required></label>\
         <div class=\"actions\"><button type=\"submit\" value=\"allow\">Continue</button></div>\
         </form>",
        provider = escape(consent_page::provider_label(shared.personality)),
        action = escape(action),
    );
    let status = if problem.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    consent_page::unframeable(
        status,
        consent_page::page("Connect a device – Grantry Sandbox", &body),
    )
}

/// `POST` the person's answer from the verification page.
pub async fn decide(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let params = match consent_page::posted_form(&headers, &body, "The form") {
        Ok(params) => params,
        Err(page) => return page,
    };
    let (Some(typed), Some(token)) = (params.get("user_code"), params.get("form_token")) else {
        return consent_page::error(
            StatusCode::BAD_REQUEST,
            "Invalid request",
            "The form lacks its code.",
        );
    };
    let allow = match params.get("decision") {
        Some("allow") => true,
        Some("deny") => false,
        _ => {
            return consent_page::error(
                StatusCode::BAD_REQUEST,
                "Invalid request",
                "Choose Allow or Deny.",
            );
        }
    };
    let mut store = shared.store();
    let user = if allow {
        let login = params.get("new_user").or_else(|| params.get("user"));
        let Some(login) = login.filter(|l| TestUser::is_valid_login(l)) else {
            return consent_page::error(
                StatusCode::BAD_REQUEST,
                "Choose a test user",
                "Pick a test user, or type a new one: 1 to 32 of a-z, 0-9, '.', '_' and '-'.",
            );
        };
        match store.user_or_create(login) {
            Ok(user) => Some(user),
            Err(full) => {
                return consent_page::error(StatusCode::BAD_REQUEST, "Choose a test user", &full);
            }
        }
    } else {
        None
    };
    let granted = params.all("scope").map(str::to_owned).collect();
    let answered = store.answer_device_request(typed, token, user.as_ref(), granted);
    shared.changed();
    drop(store);
    match answered {
        Ok(_) if allow => outcome(
            "allowed",
            "Device connected",
            "You can close this page and go back to the device.",
        ),
        Ok(_) => outcome(
            "denied",
            "Request denied",
            "The device was not given access. You can close this page.",
        ),
        Err(reason) => consent_page::error(
            StatusCode::BAD_REQUEST,
            "This code is no longer valid",
            reason,
        ),
    }
}

/// The page after an answer; `data-outcome` is read by `src/robot.rs`.
fn outcome(outcome: &str, title: &str, detail: &str) -> Response {
    let body = format!(
        "<h1 data-outcome=\"{outcome}\">{}</h1><p>{}</p>",
        escape(title),
        escape(detail)
    );
    consent_page::unframeable(StatusCode::OK, consent_page::page(title, &body))
}
