//! Token exchange (RFC 8693): one of the account's tokens sent to the token endpoint as the
//! `subject_token`, with the client's authentication, for a token for another audience,
//! resource or scope; the answer read (§2.2.1) and a refusal explained in plain words (§2.2.2,
//! RFC 6749 §5.2).
//!
//! Invariants: the request and its answer go through the one HTTP client, so the HTTP log keeps
//! them masked (`subject_token`, `actor_token` and `access_token` are credential names in
//! `redact.rs`); the token issued is returned only as a [`Secret`]. This module never stores.

use url::Url;

use super::client::form_post;
use super::http::Http;
use crate::error::Error;
use crate::providers::Environment;
use crate::secret::Secret;

/// The grant type (RFC 8693 §2.1).
pub const GRANT_TYPE: &str = "urn:ietf:params:oauth:grant-type:token-exchange";

/// The prefix of the token type identifiers of RFC 8693 §3.
const TOKEN_TYPE_PREFIX: &str = "urn:ietf:params:oauth:token-type:";

/// What is sent, besides the client's authentication.
pub struct Request<'a> {
    pub subject_token: &'a Secret<String>,
    pub subject_token_type: &'a str,
    pub audience: Option<&'a str>,
    pub resource: Option<&'a str>,
    pub scopes: &'a [String],
    pub requested_token_type: Option<&'a str>,
}

/// The provider's answer (RFC 8693 §2.2.1).
#[derive(Debug)]
pub struct Issued {
    pub token: Secret<String>,
    pub issued_token_type: String,
    pub token_type: String,
    pub expires_in: Option<i64>,
    pub scopes: Option<Vec<String>>,
}

/// A requested token type as the person wrote it: a full identifier, or its last part
/// (`jwt`, `access_token`, …). Anything else is refused before a request is made.
pub fn token_type_uri(name: &str) -> Result<String, Error> {
    let name = name.trim();
    let known = [
        "access_token",
        "refresh_token",
        "id_token",
        "jwt",
        "saml1",
        "saml2",
    ];
    if known.contains(&name) {
        return Ok(format!("{TOKEN_TYPE_PREFIX}{name}"));
    }
    let absolute = name.contains(':') && !name.chars().any(char::is_whitespace);
    if absolute && Url::parse(name).is_ok() {
        return Ok(name.to_owned());
    }
    Err(Error::InvalidInput(format!(
        "{name:?} is not a token type: name one of {} or give its full URI (RFC 8693 §3)",
        known.join(", ")
    )))
}

/// Sends the exchange to `endpoint` and reads the answer.
pub async fn exchange(
    http: &Http,
    provider: &str,
    env: &Environment,
    secret: Option<&Secret<String>>,
    endpoint: &Url,
    request: &Request<'_>,
) -> Result<Issued, Error> {
    let scope = request.scopes.join(" ");
    let mut params = vec![
        ("grant_type", GRANT_TYPE),
        ("subject_token", request.subject_token.expose().as_str()),
        ("subject_token_type", request.subject_token_type),
    ];
    let optional = [
        ("audience", request.audience),
        ("resource", request.resource),
        ("scope", Some(scope.as_str()).filter(|s| !s.is_empty())),
        ("requested_token_type", request.requested_token_type),
    ];
    params.extend(optional.into_iter().filter_map(|(k, v)| Some((k, v?))));
    let sent = form_post(env, secret, endpoint, &params)?;
    let response = http.send(sent).await.map_err(|source| Error::Unreachable {
        provider: provider.to_owned(),
        source,
    })?;
    read_answer(provider, response.status().as_u16(), response.body())
}

/// A token endpoint's answer to an exchange (RFC 8693 §2.2): the token issued, or the refusal
/// explained (§2.2.2), or why the answer cannot be used. Whatever a provider sends, only a
/// success status with a JSON object naming a non-empty `access_token` and an
/// `issued_token_type`, and no `error`, is a token.
pub fn read_answer(provider: &str, status: u16, body: &[u8]) -> Result<Issued, Error> {
    let malformed = |reason: String| Error::MalformedResponse {
        provider: provider.to_owned(),
        reason,
    };
    let body: serde_json::Value = serde_json::from_slice(body).map_err(|_| {
        malformed(format!(
            "its answer to the token exchange (HTTP {status}) is not JSON"
        ))
    })?;
    if let Some(error) = body["error"].as_str() {
        return Err(refusal(provider, error, body["error_description"].as_str()));
    }
    if !(200..300).contains(&status) {
        return Err(malformed(format!(
            "it answered the token exchange with HTTP {status} and no error code"
        )));
    }
    let text = |name: &str| body[name].as_str().map(str::to_owned);
    let token = text("access_token")
        .filter(|t| !t.is_empty())
        .ok_or_else(|| malformed("its token exchange answer has no access_token".into()))?;
    let issued_token_type = text("issued_token_type").ok_or_else(|| {
        malformed("its token exchange answer has no issued_token_type (RFC 8693 §2.2.1)".into())
    })?;
    Ok(Issued {
        token: Secret::new(token),
        issued_token_type,
        token_type: text("token_type").unwrap_or_default(),
        expires_in: body["expires_in"].as_i64(),
        scopes: text("scope").map(|s| {
            s.split(' ')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        }),
    })
}

/// A refusal in plain words, the provider's own after them.
fn refusal(provider: &str, error: &str, description: Option<&str>) -> Error {
    let plain = match error {
        "invalid_target" => {
            "it does not know the audience or resource asked for, or will not issue a token for it"
        }
        "invalid_scope" => {
            "it will not give the new token those scopes: an exchange can usually only narrow \
             the scopes of the token exchanged"
        }
        "invalid_grant" => {
            "the token exchanged is not active there (expired, revoked or unknown), or is not \
             this client's to exchange"
        }
        "invalid_request" => {
            "it found the request malformed, or does not accept the token type sent or asked for"
        }
        "unsupported_grant_type" => "it does not offer token exchange (RFC 8693) to this client",
        "unauthorized_client" => "this client may not use token exchange there",
        "invalid_client" => "it did not accept the client's authentication",
        _ => "it refused the token exchange",
    };
    let said = description
        .map(|d| format!("; it said: {}", crate::redact::text(d)))
        .unwrap_or_default();
    Error::ProviderRefused {
        provider: provider.to_owned(),
        error: error.to_owned(),
        description: Some(format!("{plain}{said}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_types_are_named_short_or_in_full_and_nothing_else_is_sent() {
        assert_eq!(
            token_type_uri("jwt").expect("short"),
            "urn:ietf:params:oauth:token-type:jwt"
        );
        let full = "urn:example:token-type:custom";
        assert_eq!(token_type_uri(full).expect("full"), full);
        for bad in ["", "bearer", "access token", "urn:a b"] {
            assert!(token_type_uri(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_refusal_says_what_it_means_and_what_the_provider_said() {
        let error = refusal("sandbox", "invalid_target", Some("no such audience"));
        let text = error.to_string();
        assert!(text.contains("does not know the audience"), "{text}");
        assert!(text.contains("no such audience"), "{text}");
    }
}
