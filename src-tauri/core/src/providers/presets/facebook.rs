//! Facebook (Meta): plain OAuth 2 on the Graph API, no discovery and no ID token here. Its
//! redirect URIs must be https and match exactly, so a desktop app is sent back through the
//! HTTPS bridge page (`bridge/` in this repository). The code exchange needs the app secret.
//! There are no refresh tokens: an access token is exchanged for a long-lived one
//! (`grant_type=fb_exchange_token`, about 60 days), which is Grantry's "refresh" here. The token
//! response lists no scopes; `/me/permissions` says which are granted and which declined.
//! Revoking deletes `/me/permissions` (`Revocation::GraphPermissions`). Errors come as
//! `{"error": {"type": "OAuthException", "code": 190, "error_subcode": 463, …}}`. The requests
//! of its own (the permissions, the exchange) are its dialect: `dialects/facebook.rs`.

use super::{Info, RedirectOption, SecretNeed, json_body, rewritten};
use crate::providers::config::{Environment, Revocation};
use crate::providers::redirect::RedirectKind;
use openidconnect::HttpResponse;

/// The Graph API version of the endpoints: v25.0 (February 2026) is available until July 2028;
/// an expired version's calls are refused, so this moves with Facebook's schedule.
pub const GRAPH_VERSION: &str = "v25.0";
/// Where a person reviews the apps and websites they logged in to with Facebook and removes
/// one (Settings, "Apps and Websites").
pub const APPS_PAGE: &str = "https://www.facebook.com/settings?tab=applications";

pub static INFO: Info = Info {
    name: "Facebook",
    help: "Facebook accounts through a Meta app, with the permissions it was granted.",
    console_url: "https://developers.facebook.com/apps/",
    site: None,
    redirects: &[RedirectOption {
        kind: RedirectKind::Bridge,
        label: "HTTPS bridge page",
        help: "Facebook accepts only https redirects. Host the bridge page of Grantry's \
               repository (bridge/) on GitHub Pages or any static host, and enter its exact \
               address here and in Valid OAuth Redirect URIs. The app secret is required.",
        secret: SecretNeed::Required,
    }],
    default_scopes: &["public_profile", "email"],
    catalogue: &[
        "public_profile",
        "email",
        "user_friends",
        "user_photos",
        "user_posts",
    ],
};

pub(super) fn fill(env: &mut Environment) -> Result<(), String> {
    if env.redirect_uri.is_none() {
        return Err("enter the address of your bridge page (redirect_uri)".into());
    }
    let url = |text: String| url::Url::parse(&text).map_err(|e| e.to_string());
    env.authorization_endpoint = Some(url(format!(
        "https://www.facebook.com/{GRAPH_VERSION}/dialog/oauth"
    ))?);
    env.token_endpoint = Some(url(format!(
        "https://graph.facebook.com/{GRAPH_VERSION}/oauth/access_token"
    ))?);
    env.userinfo_endpoint = Some(url(
        "https://graph.facebook.com/me?fields=id,name,email,picture".into(),
    )?);
    env.revocation_endpoint = Some(url("https://graph.facebook.com/me/permissions".into())?);
    env.revocation = Revocation::GraphPermissions;
    Ok(())
}

/// Graph's error object becomes RFC 6749's `error` and `error_description`; code 190 (the token
/// or grant is no longer valid) becomes `invalid_grant`.
pub(super) fn token_response(response: HttpResponse) -> HttpResponse {
    let Some(mut body) = json_body(&response) else {
        return response;
    };
    let Some(serde_json::Value::Object(graph)) = body.remove("error") else {
        return response;
    };
    let code = graph.get("code").and_then(|v| v.as_i64());
    let subcode = graph.get("error_subcode").and_then(|v| v.as_i64());
    let message = graph
        .get("message")
        .and_then(|v| v.as_str())
        .unwrap_or("Facebook refused");
    let error = if code == Some(190) {
        "invalid_grant"
    } else {
        "invalid_request"
    };
    let mut described = message.to_owned();
    if let Some(code) = code {
        described.push_str(&format!(" (code {code}"));
        if let Some(subcode) = subcode {
            described.push_str(&format!(", subcode {subcode}"));
        }
        described.push(')');
    }
    let mut fixed = serde_json::Map::new();
    fixed.insert("error".into(), error.into());
    fixed.insert("error_description".into(), described.into());
    let status = if response.status().is_success() {
        400
    } else {
        response.status().as_u16()
    };
    rewritten(response, status, fixed)
}

/// Error 190's subcodes in plain words.
pub(super) fn explain(error: &str, description: Option<&str>) -> Option<String> {
    let description = description?;
    let reason = [
        (
            "subcode 458",
            "you removed the app from your Facebook settings",
        ),
        ("subcode 460", "your Facebook password changed"),
        ("subcode 463", "the access token expired"),
        (
            "subcode 467",
            "you logged out of Facebook, which ended this session",
        ),
        ("subcode 464", "the Facebook account is not confirmed"),
        ("subcode 492", "your role in the Page or app changed"),
    ]
    .into_iter()
    .find(|(key, _)| description.contains(key))
    .map(|(_, reason)| reason);
    match (error, reason) {
        (_, Some(reason)) => Some(format!(
            "Facebook no longer accepts this sign-in: {reason}. Link the account again."
        )),
        ("invalid_grant", None) => Some(format!(
            "Facebook no longer accepts this sign-in ({description}). Link the account again."
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::presets::answer;

    #[test]
    fn graph_errors_become_rfc_6749_errors_with_their_subcode() {
        let graph = r#"{"error":{"message":"Error validating access token","type":"OAuthException","code":190,"error_subcode":460,"fbtrace_id":"x"}}"#;
        let fixed = token_response(answer(400, graph));
        assert_eq!(fixed.status().as_u16(), 400);
        let body = json_body(&fixed).expect("json");
        assert_eq!(body["error"], "invalid_grant");
        let description = body["error_description"].as_str().expect("text");
        assert!(description.contains("subcode 460"), "{description}");
        let said = explain("invalid_grant", Some(description)).expect("explained");
        assert!(said.contains("password changed"), "{said}");
        let ok = r#"{"access_token":"t","token_type":"bearer","expires_in":5183944}"#;
        assert_eq!(token_response(answer(200, ok)).body(), ok.as_bytes());
    }
}
