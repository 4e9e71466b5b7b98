//! Token exchange at the strict personality's token endpoint (RFC 8693): the request's
//! parameters read and checked (§2.1), ID tokens verified, the new access token signed and the
//! answer rendered (§2.2.1). The rules (what may be exchanged, for which audience and scopes)
//! are the store's (`src/store/exchange.rs`).
//!
//! The new token is a JWT signed with the sandbox's key (the JWKS's), so a tester can read what
//! it says: `iss`, `sub`, `aud`, `client_id` (who asked), `scope`, `iat`, `exp`, `jti`, and
//! `act` when an actor token was given (§4.1). `requested_token_type` may be the access token
//! type (the default) or the JWT type (§3); the sandbox issues nothing else by exchange. The
//! `may_act` claim (§4.4) is not checked: any active token of the caller's may act.
//!
//! Invariants: the client has authenticated before this runs (`token.rs`); a refused request
//! changes nothing; the answer is never cached.

use serde_json::{Value, json};

use super::{Params, join_scopes, split_scopes};
use crate::Shared;
use crate::oauth_error::OAuthError;
use crate::store::exchange::{
    ACCESS_TOKEN, Allowed, ExchangeRequest, ID_TOKEN, JWT, Presented, REFRESH_TOKEN,
};
use crate::store::{AuthStore, TokenKind};

pub use crate::store::exchange::GRANT_TYPE;

/// The answer to an authenticated client's token exchange request, or its error.
pub fn exchange(
    shared: &Shared,
    store: &mut AuthStore,
    client_id: &str,
    params: &Params,
) -> Result<Value, OAuthError> {
    let issued_type = match params.get("requested_token_type") {
        None | Some(ACCESS_TOKEN) => ACCESS_TOKEN,
        Some(JWT) => JWT,
        Some(other) => {
            return Err(OAuthError::invalid_request(format!(
                "requested_token_type {other:?} is not issued here: ask for {ACCESS_TOKEN} or \
                 {JWT}"
            )));
        }
    };
    // Verified before the store is asked, so that the store never reads a signature.
    let subject_claims;
    let subject_token = params.require("subject_token")?;
    let subject_type = params.require("subject_token_type")?;
    let subject = match presented(shared, store, subject_token, subject_type, "subject")? {
        Kind::Token(kind) => Presented::Token {
            token: subject_token,
            kind,
        },
        Kind::IdToken(claims) => {
            subject_claims = claims;
            Presented::IdToken(&subject_claims)
        }
    };
    let actor_claims;
    let actor = match (params.get("actor_token"), params.get("actor_token_type")) {
        (None, None) => None,
        (Some(token), Some(kind)) => Some(match presented(shared, store, token, kind, "actor")? {
            Kind::Token(kind) => Presented::Token { token, kind },
            Kind::IdToken(claims) => {
                actor_claims = claims;
                Presented::IdToken(&actor_claims)
            }
        }),
        (Some(_), None) => {
            return Err(OAuthError::invalid_request(
                "actor_token_type is required with actor_token (RFC 8693 §2.1)",
            ));
        }
        (None, Some(_)) => {
            return Err(OAuthError::invalid_request(
                "actor_token_type was sent without actor_token",
            ));
        }
    };
    let targets = ["audience", "resource"]
        .iter()
        .filter_map(|name| params.get(name))
        .collect();
    let scope = params
        .get("scope")
        .map(|s| split_scopes(shared.personality, Some(s)));
    let allowed = store.allow_exchange(&ExchangeRequest {
        client_id,
        subject,
        actor,
        targets,
        scope,
    })?;
    let token = sign(shared, client_id, &allowed);
    store.record_exchanged(&token, &allowed);
    shared.changed();
    Ok(json!({
        "access_token": token,
        "issued_token_type": issued_type,
        "token_type": "Bearer",
        "expires_in": allowed.expires_at.saturating_sub(allowed.issued_at),
        "scope": join_scopes(shared.personality, &allowed.scopes),
    }))
}

/// What a presented token is, by its type identifier (RFC 8693 §3).
enum Kind {
    Token(TokenKind),
    /// A verified ID token's claims.
    IdToken(Value),
}

fn presented(
    shared: &Shared,
    store: &AuthStore,
    token: &str,
    token_type: &str,
    role: &str,
) -> Result<Kind, OAuthError> {
    match token_type {
        ACCESS_TOKEN => Ok(Kind::Token(TokenKind::Access)),
        REFRESH_TOKEN => Ok(Kind::Token(TokenKind::Refresh)),
        ID_TOKEN => verified_id_token(shared, store, token, role).map(Kind::IdToken),
        other => Err(OAuthError::invalid_request(format!(
            "{role}_token_type {other:?} is not supported: send {ACCESS_TOKEN}, \
             {REFRESH_TOKEN} or {ID_TOKEN}"
        ))),
    }
}

/// An ID token this sandbox signed, for this issuer, not expired: its claims.
fn verified_id_token(
    shared: &Shared,
    store: &AuthStore,
    token: &str,
    role: &str,
) -> Result<Value, OAuthError> {
    let claims = shared.keys().verify(token).ok_or_else(|| {
        OAuthError::invalid_grant(format!(
            "the {role} token is not an ID token signed by this sandbox"
        ))
    })?;
    if claims["iss"].as_str() != Some(shared.issuer.as_str()) {
        return Err(OAuthError::invalid_grant(format!(
            "the {role} ID token was issued by someone else"
        )));
    }
    if claims["exp"].as_u64().is_none_or(|exp| exp <= store.now()) {
        return Err(OAuthError::invalid_grant(format!(
            "the {role} ID token has expired"
        )));
    }
    Ok(claims)
}

/// The new access token: a JWT signed with the sandbox's key.
fn sign(shared: &Shared, client_id: &str, allowed: &Allowed) -> String {
    let mut claims = json!({
        "iss": shared.issuer,
        "sub": allowed.grant.sub,
        "aud": allowed.audience,
        "client_id": client_id,
        "scope": join_scopes(shared.personality, &allowed.scopes),
        "iat": allowed.issued_at,
        "exp": allowed.expires_at,
        "jti": crate::random::token(""),
    });
    if let Some(act) = &allowed.act {
        claims["act"] = act.clone();
    }
    shared.keys().sign(&claims)
}
