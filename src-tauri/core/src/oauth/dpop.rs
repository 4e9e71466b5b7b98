//! DPoP (RFC 9449), the client's side: an account's key ([`Dpop`], a [`ProofKey`] from
//! `jws.rs`), the proof that goes with each request to the provider (§4.2: `jti`, `htm`, `htu`,
//! `iat`, and `ath` with an access token), and the server nonces (§8, §9): the latest nonce of
//! each server is remembered for its next proof, and a refusal asking for one
//! (`use_dpop_nonce` from the authorization server, a 401 `WWW-Authenticate: DPoP
//! error="use_dpop_nonce"` from a resource) is answered by making the request once more,
//! built anew (so a single-use client assertion in it is new too), with a new proof.
//!
//! Requests go out through [`Dpop::send`], which adds the `DPoP` header to a request built as
//! usual, so every flow keeps its own request and gains only the header: [`Dpop::send_built`]
//! for the requests Grantry builds (revocation, introspection, userinfo), `http.rs`'s
//! `Dialect` for the token endpoint, whose flows (`code_exchange.rs`, `refresh_token.rs`) try
//! again on [`nonce_refusal`].
//!
//! Invariants: a proof is made for one request and never reused (a new `jti` each time, so a
//! retry gets a new one); the proof and the key are secrets: the HTTP log keeps no headers
//! (`http.rs`), nothing here logs, and the key leaves the keyring only into a [`Dpop`]. The
//! nonces remembered are the servers' public values, at most [`MAX_SERVERS`] of them.

use std::collections::HashMap;
use std::sync::Mutex;

use openidconnect::http::HeaderValue;
use openidconnect::{HttpRequest, HttpResponse};
use serde_json::json;

use super::http::{Http, HttpError};
use super::jws::{ProofKey, random_id, sha256_b64};
use crate::error::Error;
use crate::secret::{Secret, TokenSet, TokenType};

/// The most servers whose latest nonce is remembered; past it the memory starts afresh.
const MAX_SERVERS: usize = 64;

/// The latest nonce each server gave, by origin (scheme, host and port).
static NONCES: Mutex<Option<HashMap<String, String>>> = Mutex::new(None);

/// An account's DPoP key, ready to sign proofs.
#[derive(Debug, Clone)]
pub struct Dpop {
    key: ProofKey,
}

impl Dpop {
    /// A new key, for a link that starts.
    pub fn generate() -> Result<Self, Error> {
        Ok(Self {
            key: ProofKey::generate()?,
        })
    }

    /// The key of an account's tokens, when they are bound to one.
    pub fn of(tokens: &TokenSet) -> Result<Option<Self>, Error> {
        tokens
            .dpop_key
            .as_ref()
            .map(|secret| ProofKey::from_secret(secret).map(|key| Self { key }))
            .transpose()
    }

    /// The private key, for the keyring only (with the tokens bound to it).
    pub fn secret(&self) -> Secret<String> {
        self.key.secret()
    }

    /// The key's RFC 7638 thumbprint: the `jkt` a provider binds tokens to (RFC 9449 §6.1).
    pub fn thumbprint(&self) -> String {
        self.key.thumbprint()
    }

    /// A proof for a `method` request to `url` (its query and fragment left out, §4.2), with
    /// the server's latest nonce if it gave one, and `ath` when an access token goes with it.
    pub fn proof(
        &self,
        method: &str,
        url: &str,
        access_token: Option<&str>,
    ) -> Result<String, Error> {
        let mut htu = url::Url::parse(url)
            .map_err(|e| Error::Internal(format!("a DPoP proof for a bad URL: {e}")))?;
        htu.set_query(None);
        htu.set_fragment(None);
        let mut claims = json!({
            "jti": random_id()?,
            "htm": method,
            "htu": htu.as_str(),
            "iat": crate::clock::now(),
        });
        if let Some(nonce) = nonce_for(&htu) {
            claims["nonce"] = json!(nonce);
        }
        if let Some(token) = access_token {
            claims["ath"] = json!(sha256_b64(token));
        }
        let header = json!({"typ": "dpop+jwt", "jwk": self.key.public_jwk()});
        Ok(self.key.sign(header, &claims))
    }

    /// Sends `request` with a proof in its `DPoP` header (and `access_token`'s hash in it, for
    /// a resource), once; the server's nonce, if it gave one, is kept for the next proof. Whether
    /// to try again is the caller's: [`asks_again`].
    pub async fn send(
        &self,
        http: &Http,
        request: HttpRequest,
        access_token: Option<&str>,
    ) -> Result<HttpResponse, HttpError> {
        let uri = request.uri().clone();
        let response = http.send(self.prove(request, access_token)?).await?;
        remember_nonce(&uri, &response);
        Ok(response)
    }

    /// Sends the request `build` makes with a proof, and once more, built anew, when the server
    /// asks for a nonce: built anew, so that what must be single use in it (a client
    /// assertion's `jti`, RFC 7523 §3) is new in the second request too.
    pub async fn send_built(
        &self,
        http: &Http,
        build: impl Fn() -> Result<HttpRequest, Error>,
        access_token: Option<&str>,
    ) -> Result<Result<HttpResponse, HttpError>, Error> {
        let response = match self.send(http, build()?, access_token).await {
            Ok(response) if asks_again(&response) => response,
            other => return Ok(other),
        };
        drop(response);
        Ok(self.send(http, build()?, access_token).await)
    }

    fn prove(
        &self,
        mut request: HttpRequest,
        access_token: Option<&str>,
    ) -> Result<HttpRequest, HttpError> {
        let url = request.uri().to_string();
        let proof = self
            .proof(request.method().as_str(), &url, access_token)
            .map_err(|e| HttpError::Request(e.to_string()))?;
        let value = HeaderValue::from_str(&proof)
            .map_err(|_| HttpError::Request("a DPoP proof is not a header value".into()))?;
        request.headers_mut().insert("dpop", value);
        Ok(request)
    }
}

/// The token type a token answer must have had when a proof went with it: `DPoP` (RFC 9449
/// §5). A provider that answers `Bearer` to a proof did not bind the token; taking it would
/// hand out a token as if it were bound.
pub fn expect_dpop(provider: &str, token_type: &str) -> Result<TokenType, Error> {
    if token_type.eq_ignore_ascii_case("dpop") {
        Ok(TokenType::Dpop)
    } else {
        Err(Error::MalformedResponse {
            provider: provider.to_owned(),
            reason: format!(
                "DPoP is on for this environment, but its token answer is of type \
                 {token_type:?}, not \"DPoP\": the token is not bound to the account's key \
                 (turn `dpop` off for this environment if the provider does not support it)"
            ),
        })
    }
}

/// Whether a token endpoint's refusal says a proof was required (`invalid_dpop_proof` to a
/// request without one): the provider wants DPoP for this client (RFC 9449 §5.2).
pub fn wants_proof(error: &str) -> bool {
    error == "invalid_dpop_proof"
}

fn origin(url: &url::Url) -> String {
    url.origin().ascii_serialization()
}

/// The latest nonce the server of `url` gave.
fn nonce_for(url: &url::Url) -> Option<String> {
    let nonces = NONCES.lock().unwrap_or_else(|p| p.into_inner());
    nonces.as_ref()?.get(&origin(url)).cloned()
}

/// Keeps the `DPoP-Nonce` an answer gave, for the next request to its server.
fn remember_nonce(uri: &openidconnect::http::Uri, response: &HttpResponse) {
    let Some(nonce) = nonce_of(response) else {
        return;
    };
    let Ok(url) = url::Url::parse(&uri.to_string()) else {
        return;
    };
    let mut nonces = NONCES.lock().unwrap_or_else(|p| p.into_inner());
    let nonces = nonces.get_or_insert_with(HashMap::new);
    if nonces.len() >= MAX_SERVERS {
        nonces.clear();
    }
    nonces.insert(origin(&url), nonce.to_owned());
}

/// Whether a request answered so is worth sending again with a new proof: the server asks
/// for a nonce ([`asks_for_nonce`]) and gave one ([`nonce_of`]), now kept for the proof.
pub fn asks_again(response: &HttpResponse) -> bool {
    asks_for_nonce(response) && nonce_of(response).is_some()
}

/// Whether a token endpoint's refusal asks for a proof with a nonce (RFC 9449 §8): the
/// request is worth making again, once, with the nonce its answer gave.
pub fn nonce_refusal(error: &str) -> bool {
    error == "use_dpop_nonce"
}

/// The nonce an answer gives in its `DPoP-Nonce` header (RFC 9449 §8.1): 1 to [`MAX_NONCE`]
/// bytes of visible ASCII (its grammar is `1*NQCHAR`), else none.
pub(crate) fn nonce_of(response: &HttpResponse) -> Option<&str> {
    let nonce = response.headers().get("dpop-nonce")?.to_str().ok()?;
    let nqchar = |b: u8| b == b'!' || (0x23..=0x5b).contains(&b) || (0x5d..=0x7e).contains(&b);
    (!nonce.is_empty() && nonce.len() <= MAX_NONCE && nonce.bytes().all(nqchar)).then_some(nonce)
}

/// The longest nonce taken from a server, in bytes.
pub(crate) const MAX_NONCE: usize = 1024;

/// Whether the answer asks for a proof with a nonce: `use_dpop_nonce` from an authorization
/// server (400, RFC 9449 §8) or from a resource (401 with a DPoP challenge, §9).
pub(crate) fn asks_for_nonce(response: &HttpResponse) -> bool {
    match response.status().as_u16() {
        400 => serde_json::from_slice::<serde_json::Value>(response.body())
            .is_ok_and(|body| body["error"] == "use_dpop_nonce"),
        401 => response
            .headers()
            .get_all("www-authenticate")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .any(|v| {
                v.trim_start().to_ascii_lowercase().starts_with("dpop")
                    && v.contains("error=\"use_dpop_nonce\"")
            }),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;

    fn claims(proof: &str) -> serde_json::Value {
        let part = proof.split('.').nth(1).expect("claims");
        serde_json::from_slice(&B64.decode(part).expect("b64")).expect("json")
    }

    #[test]
    fn a_proof_names_the_request_without_its_query_and_hashes_the_token() {
        let dpop = Dpop::generate().expect("key");
        let proof = dpop
            .proof("GET", "https://rs.example/me?x=1#f", Some("tok"))
            .expect("proof");
        let claims = claims(&proof);
        assert_eq!(claims["htm"], "GET");
        assert_eq!(claims["htu"], "https://rs.example/me");
        assert_eq!(claims["ath"], sha256_b64("tok"));
        let again = dpop
            .proof("GET", "https://rs.example/me", None)
            .expect("proof");
        assert_ne!(
            self::claims(&again)["jti"],
            claims["jti"],
            "a new jti each time"
        );
        assert!(self::claims(&again).get("ath").is_none());
    }

    #[test]
    fn a_key_kept_with_the_tokens_signs_again() {
        let dpop = Dpop::generate().expect("key");
        let tokens = TokenSet {
            access_token: Secret::new("a".into()),
            refresh_token: None,
            id_token: None,
            expires_at: None,
            token_type: TokenType::Dpop,
            dpop_key: Some(dpop.secret()),
        };
        let back = Dpop::of(&tokens).expect("reads").expect("a key");
        assert_eq!(back.thumbprint(), dpop.thumbprint());
        assert!(!format!("{back:?}").contains(dpop.secret().expose()));
    }

    #[test]
    fn only_a_dpop_answer_is_taken_for_a_proof() {
        assert_eq!(expect_dpop("p", "DPoP").expect("dpop"), TokenType::Dpop);
        assert_eq!(expect_dpop("p", "dpop").expect("dpop"), TokenType::Dpop);
        assert!(expect_dpop("p", "Bearer").is_err());
    }
}
