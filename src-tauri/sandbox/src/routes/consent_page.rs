//! The consent page, plain HTML with no script, so that a person can use it in any browser and
//! a test can play the browser with an HTTP client: pick or type a test user, untick scopes,
//! then Allow or Deny (a form post back to the authorization endpoint).
//!
//! Invariants: every value written into the page is escaped ([`escape`]). No other site may
//! frame a page of it (`frame-ancestors 'none'`, `X-Frame-Options: DENY`), so none can trick
//! a person into clicking Allow. The form's field names are read by `src/robot.rs` and
//! `tests/support/mod.rs`; they change together.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use crate::config::{Personality, ScopeInfo, TestUser};

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

pub(super) fn provider_label(personality: Personality) -> &'static str {
    match personality {
        Personality::Generic => "Grantry Sandbox",
        Personality::Google => "Grantry Sandbox (Google personality)",
        Personality::Facebook => "Grantry Sandbox (Facebook personality)",
        Personality::Github => "Grantry Sandbox (GitHub personality)",
        Personality::Microsoft => "Grantry Sandbox (Microsoft personality)",
        Personality::Gitlab => "Grantry Sandbox (GitLab personality)",
    }
}

const STYLE: &str = "body{font:15px/1.5 system-ui,sans-serif;margin:0;background:#f3f4f7;color:#1d2430}\
main{max-width:480px;margin:40px auto;background:#fff;border:1px solid #d9dce3;border-radius:8px;padding:24px 32px}\
h1{font-size:20px;margin:0 0 4px}fieldset{border:0;padding:0;margin:16px 0}legend{font-weight:600;margin-bottom:8px}\
label{display:block;margin:6px 0}small{color:#5d6675;display:block;margin-left:24px}\
.actions{display:flex;gap:12px;justify-content:flex-end;margin-top:24px}\
button{font:inherit;padding:8px 20px;border-radius:6px;border:1px solid #c4c8d0;background:#fff;cursor:pointer}\
button[value=allow]{background:#2f5fd0;border-color:#2f5fd0;color:#fff}\
input[type=text]{font:inherit;padding:4px 8px;margin-left:8px}.error{color:#b3261e}";

pub(super) fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{title}</title><style>{STYLE}</style></head><body><main>{body}</main></body></html>",
        title = escape(title)
    )
}

/// An HTML page that no other site may frame (clickjacking).
pub(super) fn unframeable(status: StatusCode, html: String) -> Response {
    let mut response = (status, Html(html)).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("frame-ancestors 'none'"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}

/// What the consent page shows.
pub struct Consent<'a> {
    pub personality: Personality,
    pub action: &'a str,
    pub request_id: &'a str,
    pub client_name: &'a str,
    pub users: &'a [TestUser],
    pub scopes: Vec<(String, Option<ScopeInfo>)>,
}

pub fn consent(c: &Consent<'_>) -> Response {
    let users = user_choices(c.users);
    let scopes = scope_choices(&c.scopes);
    let body = format!(
        "<h1>Sign in to {provider}</h1>\
         <p><strong>{client}</strong> wants to access your account.</p>\
         <form method=\"post\" action=\"{action}\">\
         <input type=\"hidden\" name=\"request\" value=\"{request}\">\
         {users}{scopes}{actions}</form>",
        provider = escape(provider_label(c.personality)),
        client = escape(c.client_name),
        action = escape(c.action),
        request = escape(c.request_id),
        scopes = scope_fieldset(c.client_name, &scopes),
        actions = DECISION_BUTTONS,
    );
    unframeable(StatusCode::OK, page("Sign in – Grantry Sandbox", &body))
}

/// Deny and Allow, the form's two submit buttons (`decision`).
pub(super) const DECISION_BUTTONS: &str = "<div class=\"actions\"><button type=\"submit\" \
     name=\"decision\" value=\"deny\">Deny</button>\
     <button type=\"submit\" name=\"decision\" value=\"allow\">Allow</button></div>";

/// The scopes' fieldset, headed with what the client will be allowed to do.
pub(super) fn scope_fieldset(client_name: &str, scopes: &str) -> String {
    format!(
        "<fieldset><legend>{client} will be allowed to</legend>{scopes}</fieldset>",
        client = escape(client_name)
    )
}

/// The test user picker: a radio button a user (the first chosen), and a field for another,
/// in a fieldset (`user`, `new_user`).
pub(super) fn user_choices(test_users: &[TestUser]) -> String {
    let mut users = String::new();
    for (index, user) in test_users.iter().enumerate() {
        users.push_str(&format!(
            "<label><input type=\"radio\" name=\"user\" value=\"{login}\"{checked}> {name} \
             <small>{email}</small></label>",
            login = escape(&user.login),
            checked = if index == 0 { " checked" } else { "" },
            name = escape(&user.name),
            email = escape(&user.email),
        ));
    }
    format!(
        "<fieldset><legend>Test user</legend>{users}\
         <label>or another user: <input type=\"text\" name=\"new_user\" \
         pattern=\"[a-z0-9._\\-]{{1,32}}\" placeholder=\"dave\" aria-label=\"Another test user\"></label>\
         </fieldset>"
    )
}

/// A ticked checkbox a scope (`scope`), with what it allows.
pub(super) fn scope_choices(requested: &[(String, Option<ScopeInfo>)]) -> String {
    let mut scopes = String::new();
    for (name, info) in requested {
        let description = info.map_or("", |i| i.description);
        scopes.push_str(&format!(
            "<label><input type=\"checkbox\" name=\"scope\" value=\"{value}\" checked> \
             {description}<small>{value}</small></label>",
            value = escape(name),
            description = escape(description),
        ));
    }
    scopes
}

/// The parameters of a page's form posted back (`application/x-www-form-urlencoded`), or the
/// page saying that `what` was not posted as a form.
pub fn posted_form(
    headers: &axum::http::HeaderMap,
    body: &[u8],
    what: &str,
) -> Result<crate::params::Params, Response> {
    let form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    match form.then(|| crate::params::Params::parse(body)) {
        Some(Ok(params)) => Ok(params),
        _ => Err(error(
            StatusCode::BAD_REQUEST,
            "Invalid request",
            &format!("{what} was not posted as a form."),
        )),
    }
}

/// An error shown to the person in the browser, for requests that must not be redirected
/// (unknown client, unregistered redirect URI: RFC 6749 §4.1.2.1) or expired consent.
pub fn error(status: StatusCode, title: &str, detail: &str) -> Response {
    let body = format!(
        "<h1 class=\"error\">{}</h1><p>{}</p>",
        escape(title),
        escape(detail)
    );
    unframeable(status, page(title, &body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_names_is_escaped() {
        assert_eq!(
            escape(r#"<b>"x" & 'y'</b>"#),
            "&lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/b&gt;"
        );
    }
}
