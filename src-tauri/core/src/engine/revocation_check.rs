//! Whether a revocation the provider accepted really took. A provider's "200 OK" says it got
//! the request, not that the tokens stopped working, so they are tried where the provider
//! allows it, the first conclusive answer deciding:
//!
//! 1. **Introspection** (RFC 7662), when the provider has the endpoint: the revoked token
//!    (the refresh token, else the access token) must come back `"active": false`.
//! 2. **A refresh** with the revoked refresh token must be refused (`invalid_grant`). Should
//!    the provider grant it, the new tokens are kept, since they are live access the person
//!    wanted gone and the next attempt must revoke them too.
//! 3. **The profile endpoint** (OpenID Connect UserInfo, or the provider's own) must refuse
//!    the access token (401, or Facebook Graph's 400 with code 190; a 403 is
//!    `insufficient_scope`, the token working). A self-contained (JWT) access token may be
//!    honoured until it expires whatever the grant's state, and revoking a refresh token may
//!    leave its access tokens working (RFC 7009 §2.1), so an answer then proves nothing either
//!    way, and is said so.
//!
//! A check that cannot be made (no endpoint) or gives no answer (unreachable, 5xx) passes to
//! the next; when none is conclusive the revocation "was accepted by the provider and cannot be
//! checked", never more.

use super::Grantry;
use crate::model::{RevocationOutcome, RevocationProof};
use crate::oauth::discovery::Endpoints;
use crate::oauth::dpop::Dpop;
use crate::oauth::http::get_json;
use crate::oauth::introspection::{self, Introspection};
use crate::oauth::refresh_token::{self, Failure};
use crate::oauth::userinfo;
use crate::providers::Environment;
use crate::secret::{Secret, TokenSet};
use crate::{clock, error::Error};

/// What the checks found.
pub(super) struct Finding {
    pub outcome: RevocationOutcome,
    pub proof: Option<RevocationProof>,
    /// In words, with any caveat.
    pub summary: String,
    /// Tokens a refresh handed out after the revocation: live, to be kept for the next try.
    pub renewed: Option<TokenSet>,
}

impl Finding {
    fn dead(proof: RevocationProof, summary: &str) -> Self {
        Finding {
            outcome: RevocationOutcome::Verified,
            proof: Some(proof),
            summary: summary.to_owned(),
            renewed: None,
        }
    }

    fn alive(summary: String, renewed: Option<TokenSet>) -> Self {
        Finding {
            outcome: RevocationOutcome::NotEffective,
            proof: None,
            summary,
            renewed,
        }
    }
}

/// Whether `token` is three base64url segments, the first two not empty: a JWT (RFC 7519
/// §3), which a resource server may accept on its own signature until it expires.
fn self_contained(token: &str) -> bool {
    let segments: Vec<&str> = token.split('.').collect();
    let base64url = |s: &str| {
        s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    segments.len() == 3
        && !segments[0].is_empty()
        && !segments[1].is_empty()
        && segments.iter().all(|s| base64url(s))
}

impl Grantry {
    /// Tries the revoked `tokens` where `env`'s provider allows it (see the module's comment).
    pub(super) async fn check_revocation(
        &self,
        provider: &str,
        env: &Environment,
        endpoints: &Endpoints,
        secret: Option<&Secret<String>>,
        tokens: &TokenSet,
    ) -> Finding {
        let mut unanswered = Vec::new();
        if let Some(endpoint) = &endpoints.introspection {
            let revoked = match &tokens.refresh_token {
                Some(refresh) => (refresh, "refresh_token"),
                None => (&tokens.access_token, "access_token"),
            };
            let dpop = Dpop::of(tokens).ok().flatten();
            let answer = introspection::introspect(
                &self.http,
                provider,
                env,
                secret,
                endpoint,
                revoked,
                dpop.as_ref(),
            )
            .await;
            match answer {
                Ok(Introspection::Inactive) => {
                    return Finding::dead(
                        RevocationProof::Introspection,
                        &format!("{provider}'s introspection says the token is no longer active"),
                    );
                }
                Ok(Introspection::Active { .. }) => {
                    return Finding::alive(
                        format!(
                            "{provider} accepted the revocation, but its introspection still \
                             calls the token active"
                        ),
                        None,
                    );
                }
                Err(error) => unanswered.push(format!("introspection: {error}")),
            }
        }
        if tokens.refresh_token.is_some() {
            let refreshed = refresh_token::refresh(
                &self.http,
                env,
                endpoints,
                secret,
                provider,
                tokens,
                clock::now,
            )
            .await;
            match refreshed {
                // Only the grant refused proves it: a refused client or scope says nothing of
                // the grant.
                Err(Failure::Relink(refusal)) if refusal.error == "invalid_grant" => {
                    return Finding::dead(
                        RevocationProof::RefreshRefused,
                        &format!("{provider} refuses the revoked refresh token"),
                    );
                }
                Ok(refreshed) => {
                    return Finding::alive(
                        format!(
                            "{provider} accepted the revocation, but still renews tokens with \
                             the revoked refresh token"
                        ),
                        Some(refreshed.tokens),
                    );
                }
                Err(Failure::Relink(refusal)) => {
                    unanswered.push(format!("refresh: refused with {}", refusal.error));
                }
                Err(Failure::Other(error)) => unanswered.push(format!("refresh: {error}")),
            }
        }
        if let Some(userinfo) = &endpoints.userinfo {
            let jwt = self_contained(tokens.access_token.expose());
            match self.profile_answer(provider, userinfo, tokens).await {
                Ok(status) if refused(status.0, &status.1) => {
                    return Finding::dead(
                        RevocationProof::UserinfoRefused,
                        &format!("{provider}'s profile endpoint refuses the access token"),
                    );
                }
                // RFC 7009 §2.1: revoking a refresh token may leave its access tokens working.
                Ok((status, _))
                    if (200..300).contains(&status) && tokens.refresh_token.is_some() =>
                {
                    unanswered.push(
                        "the profile endpoint still answers the access token, which a provider \
                         may honour after the refresh token was revoked (RFC 7009 §2.1)"
                            .to_owned(),
                    );
                }
                Ok((status, _)) if (200..300).contains(&status) && !jwt => {
                    return Finding::alive(
                        format!(
                            "{provider} accepted the revocation, but its profile endpoint still \
                             answers the access token"
                        ),
                        None,
                    );
                }
                Ok((status, _)) if (200..300).contains(&status) => unanswered.push(
                    "the profile endpoint still answers the access token, which is \
                     self-contained (a JWT): it may be honoured until it expires, whatever the \
                     grant's state"
                        .to_owned(),
                ),
                Ok((status, _)) => unanswered.push(format!("profile: HTTP {status}")),
                Err(error) => unanswered.push(format!("profile: {error}")),
            }
        }
        let summary = if unanswered.is_empty() {
            format!("accepted by {provider}; it offers no way to check that the tokens are dead")
        } else {
            format!(
                "accepted by {provider}; no check was conclusive ({})",
                unanswered.join("; ")
            )
        };
        Finding {
            outcome: RevocationOutcome::CannotBeChecked,
            proof: None,
            summary,
            renewed: None,
        }
    }

    /// The profile endpoint's status and body for the access token.
    async fn profile_answer(
        &self,
        provider: &str,
        url: &url::Url,
        tokens: &TokenSet,
    ) -> Result<(u16, String), Error> {
        let access = tokens.access_token.expose();
        // A DPoP-bound token is refused as a bearer token whether revoked or not: it goes with
        // its scheme and a proof, or the check would prove nothing (RFC 9449 §7).
        let sent = match Dpop::of(tokens)? {
            Some(dpop) => {
                let build = || userinfo::dpop_request(url, access);
                dpop.send_built(&self.http, build, Some(access)).await?
            }
            None => self.http.send(get_json(url, Some(access))?).await,
        };
        let response = sent.map_err(|source| Error::Unreachable {
            provider: provider.to_owned(),
            source,
        })?;
        Ok((
            response.status().as_u16(),
            String::from_utf8_lossy(response.body()).into_owned(),
        ))
    }
}

/// Whether a resource server's answer refuses the token: 401 (RFC 6750 §3.1 `invalid_token`),
/// or Graph's 400 with `OAuthException` code 190 (an invalid or expired token). A 403 is
/// `insufficient_scope`: the token still works.
fn refused(status: u16, body: &str) -> bool {
    match status {
        401 => true,
        400 => serde_json::from_str::<serde_json::Value>(body)
            .is_ok_and(|json| json.pointer("/error/code").and_then(|c| c.as_u64()) == Some(190)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_is_401_or_graphs_code_190_and_never_403() {
        assert!(refused(401, ""));
        assert!(!refused(403, "insufficient_scope: the token works"));
        assert!(refused(
            400,
            r#"{"error":{"message":"Error validating access token","type":"OAuthException","code":190}}"#
        ));
        assert!(!refused(400, r#"{"error":"invalid_request"}"#));
        assert!(!refused(200, "{}"));
        assert!(!refused(503, ""));
    }

    #[test]
    fn a_jwt_is_three_base64url_segments() {
        assert!(self_contained("eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln"));
        assert!(self_contained("eyJhbGciOiJub25lIn0.eyJzdWIiOiJhIn0."));
        assert!(!self_contained("sbx_at_0123456789"));
        assert!(!self_contained("a.b"));
        assert!(!self_contained("a b.c.d"));
        assert!(!self_contained(".b.c"));
    }
}
