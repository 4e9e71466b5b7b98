//! GitHub: plain OAuth 2 (OAuth Apps and GitHub Apps), no discovery and no ID token; the
//! profile is `GET /user`, whose numeric `id` is the account's subject. Redirects go to loopback
//! (any port, `127.0.0.1`), and the code exchange needs the client secret. Its token endpoint
//! answers errors as HTTP 200 with an `error` body, and lists scopes separated by commas.
//! Refresh tokens exist only for GitHub Apps with expiring user tokens; a spent one is
//! `bad_refresh_token`. Revoking deletes the grant (`Revocation::GithubGrant`).

/// Where a person reviews the OAuth apps they authorized and revokes one (Settings,
/// "Applications", "Authorized OAuth Apps").
pub const APPS_PAGE: &str = "https://github.com/settings/applications";

use super::{Info, RedirectOption, SecretNeed, json_body, rewritten};
use crate::providers::config::{Environment, Revocation};
use crate::providers::redirect::RedirectKind;
use openidconnect::HttpResponse;

pub static INFO: Info = Info {
    name: "GitHub",
    help: "GitHub accounts through an OAuth App or a GitHub App.",
    console_url: "https://github.com/settings/developers",
    site: None,
    redirects: &[
        RedirectOption {
            kind: RedirectKind::Loopback,
            label: "Loopback (http://127.0.0.1)",
            help: "Register http://127.0.0.1/callback as the callback URL; GitHub accepts any \
               port there, and Grantry opens one for each sign-in. The client secret is \
               required.",
            secret: SecretNeed::Required,
        },
        RedirectOption {
            kind: RedirectKind::Device,
            label: "Device code",
            help: "No callback URL: Grantry shows a code that you enter at github.com/login/device, \
               from any browser. Tick \"Enable Device Flow\" in the app's settings. No \
               client secret.",
            secret: SecretNeed::None,
        },
    ],
    default_scopes: &["read:user", "user:email"],
    catalogue: &[
        "read:user",
        "user:email",
        "user",
        "public_repo",
        "repo",
        "gist",
        "notifications",
        "read:org",
        "workflow",
    ],
};

pub(super) fn fill(env: &mut Environment) {
    let url = |text: &str| url::Url::parse(text).ok();
    env.authorization_endpoint = url("https://github.com/login/oauth/authorize");
    env.token_endpoint = url("https://github.com/login/oauth/access_token");
    env.userinfo_endpoint = url("https://api.github.com/user");
    env.revocation_endpoint = url("https://api.github.com/applications/{client_id}/grant");
    env.revocation = Revocation::GithubGrant;
    if env.redirect == RedirectKind::Device {
        env.device_authorization_endpoint = url("https://github.com/login/device/code");
    }
}

/// An error inside an HTTP 200 becomes an HTTP 400 (RFC 6749 §5.2), `bad_refresh_token` becomes
/// `invalid_grant` (the grant is gone: link again), and comma-separated scopes become
/// space-separated (§3.3).
pub(super) fn token_response(response: HttpResponse) -> HttpResponse {
    let Some(mut body) = json_body(&response) else {
        return response;
    };
    let mut status = response.status().as_u16();
    if let Some(error) = body
        .get("error")
        .and_then(|v| v.as_str())
        .map(str::to_owned)
    {
        if status == 200 {
            status = 400;
        }
        if error == "bad_refresh_token" {
            body.insert("error".into(), "invalid_grant".into());
            let said = body
                .get("error_description")
                .and_then(|v| v.as_str())
                .unwrap_or("The refresh token passed is incorrect or expired.");
            let said = format!("bad_refresh_token: {said}");
            body.insert("error_description".into(), said.into());
        }
    } else if let Some(scope) = body.get("scope").and_then(|v| v.as_str()) {
        let spaced: Vec<&str> = scope
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        body.insert("scope".into(), spaced.join(" ").into());
    } else {
        return response;
    }
    rewritten(response, status, body)
}

pub(super) fn explain(error: &str) -> Option<String> {
    match error {
        "invalid_grant" => Some(
            "GitHub no longer accepts this sign-in: the refresh token was already used or \
             expired (they last 6 months and work once), or you revoked the app. Link the \
             account again."
                .into(),
        ),
        "incorrect_client_credentials" => Some(
            "GitHub refused the client id or secret: check them in the Providers screen.".into(),
        ),
        "redirect_uri_mismatch" => Some(
            "GitHub refused the redirect: the app's callback URL must be \
             http://127.0.0.1/callback."
                .into(),
        ),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::presets::answer;

    #[test]
    fn errors_in_http_200_bodies_become_http_400() {
        let fixed = token_response(answer(
            200,
            r#"{"error":"bad_verification_code","error_description":"The code passed is incorrect or expired."}"#,
        ));
        assert_eq!(fixed.status().as_u16(), 400);
        assert_eq!(
            json_body(&fixed).expect("json")["error"],
            "bad_verification_code"
        );
        let spent = token_response(answer(200, r#"{"error":"bad_refresh_token"}"#));
        let body = json_body(&spent).expect("json");
        assert_eq!(body["error"], "invalid_grant");
        assert!(
            body["error_description"]
                .as_str()
                .expect("text")
                .starts_with("bad_refresh_token")
        );
    }

    #[test]
    fn an_error_followed_by_other_bytes_is_still_an_error() {
        // The standard client reads the first JSON value and ignores the rest (found by the
        // token_response fuzz target), so the dialect must read the same.
        let fixed = token_response(answer(
            200,
            r#"{"error":"bad_verification_code","access_token":"t","token_type":"bearer"}x"#,
        ));
        assert_eq!(fixed.status().as_u16(), 400);
    }

    #[test]
    fn comma_separated_scopes_become_space_separated() {
        let fixed = token_response(answer(
            200,
            r#"{"access_token":"t","token_type":"bearer","scope":"read:user,repo"}"#,
        ));
        assert_eq!(fixed.status().as_u16(), 200);
        assert_eq!(json_body(&fixed).expect("json")["scope"], "read:user repo");
    }
}
