//! The Inspector, for QA: what an account's tokens say (never the tokens: `oauth/token_shape.rs`),
//! the access token itself only on the person's explicit Reveal or Copy (each recorded in the
//! history), making the access token count as expired, and a JSON report of the account with no
//! secret in it. A DPoP-bound account shows its key's thumbprint (public) beside the `cnf.jkt`
//! its access token names, if it is a JWT, and, on request, the key the provider says an opaque
//! token is bound to ([`Grantry::check_binding`]).

use super::{Grantry, RefreshPolicy, lock};
use crate::clock;
use crate::error::Error;
use crate::model::{
    ActivityKind, DpopBinding, HttpExchange, Inspection, ProviderBinding, TokenShape,
};
use crate::oauth::dpop::Dpop;
use crate::oauth::introspection::{self, Introspection};
use crate::oauth::token_shape;
use crate::secret::Secret;
use crate::store::HTTP_LOG_KEPT;

/// Why the access token leaves the core, as the history tells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenUse {
    /// Shown in the window.
    Reveal,
    /// Put on the clipboard.
    Copy,
}

impl Grantry {
    /// What the account's tokens say, and its last token response as the HTTP log kept it.
    pub fn inspect(&self, account_id: i64) -> Result<Inspection, Error> {
        let (access_token, id_token) = self.token_shapes(account_id)?;
        let log = self.http_log(account_id, HTTP_LOG_KEPT)?;
        let tokens = self.tokens_of(&self.account(account_id)?)?;
        let binding = Dpop::of(&tokens)?.map(|dpop| {
            let key_thumbprint = dpop.thumbprint();
            let token_jkt = confirmed_key(&access_token);
            DpopBinding {
                matches: token_jkt.as_ref().map(|jkt| *jkt == key_thumbprint),
                key_thumbprint,
                token_jkt,
            }
        });
        Ok(Inspection {
            account_id,
            access_token,
            id_token,
            token_response: log.into_iter().find(is_token_response),
            token_type: tokens.token_type,
            binding,
        })
    }

    /// Asks the provider which key the account's access token is bound to (token
    /// introspection, RFC 7662, with a proof of the account's key): what the Inspector shows
    /// for an opaque DPoP token, which names no key itself.
    pub async fn check_binding(&self, account_id: i64) -> Result<ProviderBinding, Error> {
        let account = self.account(account_id)?;
        let tokens = self.tokens_of(&account)?;
        let Some(dpop) = Dpop::of(&tokens)? else {
            return Err(Error::InvalidInput(format!(
                "{} holds a bearer token, bound to no key",
                account.label()
            )));
        };
        let env = self.environment(&account.provider, &account.environment)?;
        let endpoints = self.endpoints(&account.provider, &env).await?;
        let Some(endpoint) = endpoints.introspection.clone() else {
            return Err(Error::InvalidInput(format!(
                "{} offers no introspection endpoint to ask which key the token is bound to",
                account.provider
            )));
        };
        let secret = self.client_secret(&account.provider, &env)?;
        let answer = introspection::introspect(
            &self.http,
            &account.provider,
            &env,
            secret.as_ref(),
            &endpoint,
            (&tokens.access_token, "access_token"),
            Some(&dpop),
        )
        .await?;
        Ok(match answer {
            Introspection::Active { jkt, .. } => ProviderBinding {
                active: true,
                matches: jkt.as_ref().map(|jkt| *jkt == dpop.thumbprint()),
                jkt,
            },
            Introspection::Inactive => ProviderBinding {
                active: false,
                jkt: None,
                matches: None,
            },
        })
    }

    /// What the account's access token and ID token (if any) look like, from the keyring.
    fn token_shapes(&self, account_id: i64) -> Result<(TokenShape, Option<TokenShape>), Error> {
        let account = self.account(account_id)?;
        let tokens = self.tokens_of(&account)?;
        let shape = |token: &Secret<String>| token_shape::shape(token.expose());
        Ok((
            shape(&tokens.access_token),
            tokens.id_token.as_ref().map(shape),
        ))
    }

    /// Hands the access token to `deliver` (the window that shows it, the clipboard), for the
    /// person who asked to see or copy it; once delivered, that is recorded in the history
    /// (without the token), so that every time it left Grantry is on record. A delivery that
    /// failed is said in the error, and not recorded.
    pub fn deliver_access_token<T>(
        &self,
        account_id: i64,
        why: TokenUse,
        deliver: impl FnOnce(&Secret<String>) -> Result<T, String>,
    ) -> Result<T, Error> {
        let account = self.account(account_id)?;
        if account.status.is_being_revoked() {
            return Err(Error::Revoked(format!(
                "{} is being revoked; its token is not shown or copied",
                account.label()
            )));
        }
        let tokens = self.tokens_of(&account)?;
        let (kind, done) = match why {
            TokenUse::Reveal => (ActivityKind::AccessTokenRevealed, "shown in the window"),
            TokenUse::Copy => (ActivityKind::AccessTokenCopied, "copied to the clipboard"),
        };
        let delivered = deliver(&tokens.access_token).map_err(|reason| {
            Error::Internal(format!("the access token could not be {done}: {reason}"))
        })?;
        let detail = format!("the access token of {} was {done}", account.label());
        self.record(kind, &detail, Some(account_id), clock::now())?;
        Ok(delivered)
    }

    /// Makes the account's access token count as expired now, as if its lifetime were over:
    /// the refresh schedule finds it due at once, so its next use is a refresh. The token
    /// itself is untouched and may still work at the provider.
    pub fn expire_access_token(&self, account_id: i64) -> Result<(), Error> {
        let account = self.account(account_id)?;
        let now = clock::now();
        let mut store = lock(&self.store);
        if !store.expire_access_token(account_id, now)? {
            return Err(Error::UnknownAccount(format!("no account {account_id}")));
        }
        let detail = format!(
            "the access token of {} now counts as expired; the next use refreshes it",
            account.label()
        );
        self.record_in(
            &store,
            ActivityKind::AccessTokenExpired,
            &detail,
            Some(account_id),
            now,
        )?;
        drop(store);
        self.accounts_changed();
        Ok(())
    }

    /// A JSON report of one account for QA evidence: its profile and status, scopes, where its
    /// tokens stand, what its tokens say (claims, never a token), its history and its HTTP log
    /// (masked). Nothing in it is a secret.
    pub fn account_report(&self, account_id: i64) -> Result<serde_json::Value, Error> {
        let detail = self.account_detail(account_id, RefreshPolicy::default(), 10_000)?;
        // A locked keyring must not stop the report: what the tokens say is left out then.
        let shapes = self.token_shapes(account_id).ok();
        let inspection = self.inspect(account_id).ok();
        let said = |shape: &TokenShape| match shape {
            TokenShape::Jwt { header, claims } => serde_json::json!({
                "shape": "jwt",
                "header": as_json(header),
                "claims": as_json(claims),
            }),
            TokenShape::Unsecured { header, claims } => serde_json::json!({
                "shape": "unsecured",
                "warning": "not signed (alg none): its claims are nobody's word",
                "header": as_json(header),
                "claims": as_json(claims),
            }),
            TokenShape::Opaque { length } => {
                serde_json::json!({"shape": "opaque", "length": length})
            }
        };
        Ok(serde_json::json!({
            "generator": concat!("Grantry ", env!("CARGO_PKG_VERSION")),
            "generated_at": clock::now(),
            "account": detail.account,
            "scopes": detail.scopes,
            "tokens": detail.tokens,
            "access_token": shapes.as_ref().map(|(access, _)| said(access)),
            "id_token": shapes.as_ref().and_then(|(_, id)| id.as_ref()).map(said),
            // Public values only: the key's thumbprint, never the key.
            "token_type": inspection.as_ref().map(|i| i.token_type),
            "dpop_binding": inspection.as_ref().and_then(|i| i.binding.clone()),
            "history": detail.timeline,
            "http_log": self.http_log(account_id, HTTP_LOG_KEPT)?,
        }))
    }
}

/// A token endpoint's successful answer: a link's code exchange or a refresh.
fn is_token_response(exchange: &HttpExchange) -> bool {
    let operation = exchange.operation.as_deref();
    matches!(operation, Some("link" | "refresh"))
        && exchange.status.is_some_and(|s| (200..300).contains(&s))
        && serde_json::from_str::<serde_json::Value>(&exchange.response_body)
            .is_ok_and(|body| body.get("access_token").is_some())
}

/// The `cnf.jkt` of a JWT access token (RFC 9449 §6.1): the key it says it is bound to.
fn confirmed_key(shape: &TokenShape) -> Option<String> {
    let TokenShape::Jwt { claims, .. } = shape else {
        return None;
    };
    let claims: serde_json::Value = serde_json::from_str(claims).ok()?;
    Some(claims.pointer("/cnf/jkt")?.as_str()?.to_owned())
}

/// JSON text as a value; text that is not JSON stays text.
fn as_json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|_| serde_json::Value::String(text.to_owned()))
}
