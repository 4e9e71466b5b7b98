//! Fault injection: rules that make the next N requests to an endpoint misbehave the way real
//! providers sometimes do, so that clients can be tested against it. Rules are added and
//! cleared through the admin API (`/_sandbox/faults`) and applied by a middleware before the
//! endpoint runs.
//!
//! Invariants: a rule applies to at most its `count` requests, then is gone; the first matching
//! rule wins. A fault changes nothing itself: the endpoint runs untouched (latency, and
//! `drop_response`, which runs it and then withholds its answer) or not at all (`graph_error`
//! and `aadsts` answer with the personality's own error body, `answer`, `oversized` and
//! `redirect` with what the rule says, `ignore_revocation` with the revocation endpoint's
//! success answer); only
//! the `id_token_*` faults alter an answer, handing the token endpoint how to spoil the ID
//! token it issues (another subject, nonce, audience or issuer, expired, a bad signature, not
//! signed at all, signed with HMAC keyed with the public key, or left out:
//! `src/routes/token.rs`), and the grant stays as it was. `hold` stops requests before the
//! endpoint until the rule is released (cleared), then runs it untouched (`src/hold.rs`). Two
//! kinds are
//! kept elsewhere, because only there can they act: `invalid_grant` by the store
//! (`src/store/grants.rs`), which knows which user a token belongs to, and
//! `refuse_connections` by the listener (`src/listener.rs`), which sees connections before any
//! request. The `device_*` faults are taken only by device code polls at the token endpoint
//! ([`Faults::take_device`], `src/routes/device.rs`), never by other requests.

use std::collections::VecDeque;
use std::io::ErrorKind;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::Shared;
use crate::hold::Hold;

/// The endpoints a fault can target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "FaultEndpoint"))]
#[serde(rename_all = "snake_case")]
pub enum Endpoint {
    Any,
    Discovery,
    Jwks,
    Authorize,
    Token,
    /// Userinfo and the personalities' profile endpoints (`/me`, `/user`, `tokeninfo`).
    Userinfo,
    Revoke,
    Introspect,
    /// The device authorization endpoint (RFC 8628 §3.1).
    DeviceAuthorization,
    /// The pushed authorization request endpoint (RFC 9126).
    Par,
}

/// What goes wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FaultKind {
    /// Answer normally, but this much later.
    Latency { ms: u64 },
    /// Answer with this status (500, 503, 429, …), with `Retry-After` when given.
    Status {
        status: u16,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        retry_after: Option<u64>,
    },
    /// 200 with a JSON content type and a truncated JSON body.
    MalformedJson,
    /// 502 with an HTML error page, as a proxy in front of a provider sends.
    HtmlError,
    /// This status and JSON body instead of the endpoint's own answer: a token response with a
    /// negative or enormous `expires_in`, a field of the wrong type, whatever a provider might
    /// send.
    Answer {
        status: u16,
        #[cfg_attr(feature = "ts", ts(type = "unknown"))]
        body: serde_json::Value,
    },
    /// 200 with a JSON content type and a body of this many bytes (at most 64 MiB), as a
    /// provider gone wrong might stream.
    Oversized { bytes: u64 },
    /// A redirect (`status`, 3xx) to `location`: a client that followed it would send its
    /// request, code or token included, to another place.
    Redirect { status: u16, location: String },
    /// Headers are sent, then the connection is cut before the body.
    DropConnection,
    /// The endpoint does its work (a refresh rotates the refresh token!), then the connection
    /// is cut before the body, so the client never learns what it was given.
    DropResponse,
    /// The next `count` new connections are reset as soon as they are accepted, before any
    /// request is read (`src/listener.rs`); whatever `endpoint` says.
    RefuseConnections,
    /// Token requests for this user (login or `sub`) fail with `invalid_grant`.
    InvalidGrant { user: String },
    /// The token endpoint works as ever, but the ID token it issues names this `sub` instead
    /// of the grant's (signed as usual), as a provider that mixed two accounts up would.
    IdTokenSubject { sub: String },
    /// The ID token carries this `nonce` instead of the one sent at authorization, as a
    /// replayed or injected token would (OpenID Connect Core §3.1.3.7, step 11).
    IdTokenNonce { nonce: String },
    /// The ID token is addressed to this `aud`, another client's.
    IdTokenAudience { aud: String },
    /// The ID token expired ten minutes ago.
    IdTokenExpired,
    /// The ID token's signature does not verify (its last byte changed).
    IdTokenBadSignature,
    /// The ID token names this `iss`, another issuer's (signed as usual).
    IdTokenIssuer { iss: String },
    /// The ID token is an Unsecured JWT (`alg: none`, no signature, RFC 7519 §6), as a forger
    /// who holds no key would send.
    IdTokenAlgNone,
    /// The ID token is signed with HS256 keyed with the sandbox's public key (the bytes of its
    /// point, as anyone can read them from the JWKS): the key confusion of RFC 8725 §2.1.
    IdTokenHmac,
    /// The token response leaves the ID token out, though `openid` was granted.
    IdTokenMissing,
    /// Facebook only: Graph answers `OAuthException` code 190 with this `error_subcode`
    /// (458, 459, 460, 463, 464 or 467: `SESSION_SUBCODES` in `src/replies/facebook.rs`),
    /// whatever token was sent, as when the person ended the session at Facebook.
    GraphError { subcode: u32 },
    /// Microsoft only: the endpoint answers this AADSTS error in Microsoft's shape (50173
    /// revoked, 65001 no consent, 700082 expired for inactivity: `AADSTS_FAULTS` in
    /// `src/replies/microsoft.rs`), meant for the token endpoint.
    Aadsts { code: u32 },
    /// The revocation endpoint answers as if it had revoked (the personality's own success
    /// answer) and revokes nothing, as a provider whose revocation is broken would: a client
    /// that believes the answer leaves a live grant behind.
    IgnoreRevocation,
    /// The request waits before the endpoint until the rule is released (cleared), then goes
    /// on untouched (`src/hold.rs`); the rule is listed until then, with how many requests it
    /// holds, even once its `count` is used up.
    Hold,
    /// The next device code poll at the token endpoint is answered `slow_down`, and its
    /// interval grows by five seconds, as though it came too soon (RFC 8628 §3.5). Like the
    /// other `device_*` faults it is kept for device code polls: other token requests pass.
    DeviceSlowDown,
    /// The next device code poll finds the request denied (`access_denied`), as though the
    /// person had denied it on the verification page.
    DeviceDenied,
    /// The next device code poll finds the device code expired (`expired_token`).
    DeviceExpired,
}

impl FaultKind {
    /// The faults only a device code poll takes (`src/store/device.rs`).
    fn is_device(&self) -> bool {
        matches!(
            self,
            Self::DeviceSlowDown | Self::DeviceDenied | Self::DeviceExpired
        )
    }
}

/// How the next ID token is to be spoiled (the `id_token_*` faults), handed to the token
/// endpoint as a request extension.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdTokenFault {
    Subject(String),
    Nonce(String),
    Audience(String),
    Expired,
    BadSignature,
    Issuer(String),
    AlgNone,
    Hmac,
    Missing,
}

/// One rule: `kind` for the next `count` requests to `endpoint` (`None`: until cleared).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Fault {
    #[serde(default = "any_endpoint")]
    pub endpoint: Endpoint,
    #[serde(flatten)]
    pub kind: FaultKind,
    #[serde(default = "one")]
    pub count: Option<u32>,
}

fn any_endpoint() -> Endpoint {
    Endpoint::Any
}

fn one() -> Option<u32> {
    Some(1)
}

/// The rules in force, each under the id it was given when added, so that one can be cleared
/// alone. Ids are never reused while the sandbox runs; `0` is kept for `refuse_connections`,
/// which the listener keeps as one counter (`src/listener.rs`), and `invalid_grant` rules take
/// theirs from here too ([`Faults::next_id`]) though the store keeps them.
#[derive(Debug)]
pub struct Faults {
    rules: Vec<(u64, Fault)>,
    /// The gate of each `hold` rule, until it is released, under the rule's id.
    holds: Vec<(u64, Endpoint, Hold)>,
    /// When the latest requests to each endpoint arrived, oldest first.
    arrivals: VecDeque<(Endpoint, Instant)>,
    next_id: u64,
}

impl Default for Faults {
    fn default() -> Self {
        Self {
            rules: Vec::new(),
            holds: Vec::new(),
            arrivals: VecDeque::new(),
            next_id: 1,
        }
    }
}

/// How many arrivals [`Faults::arrivals`] remembers.
const MAX_ARRIVALS: usize = 256;

/// The id under which the `refuse_connections` counter is listed and cleared.
pub const REFUSALS_ID: u64 = 0;

impl Faults {
    /// A new rule id.
    pub fn next_id(&mut self) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    /// Adds a rule; returns its id.
    pub fn add(&mut self, fault: Fault) -> u64 {
        let id = self.next_id();
        if fault.kind == FaultKind::Hold {
            self.holds.push((id, fault.endpoint, Hold::default()));
        }
        self.rules.push((id, fault));
        id
    }

    /// Removes the rule with this id, releasing what it holds; whether there was one.
    pub fn remove(&mut self, id: u64) -> bool {
        let before = (self.rules.len(), self.holds.len());
        self.rules.retain(|(rule, _)| *rule != id);
        self.holds.retain(|(hold, _, gate)| {
            let keep = *hold != id;
            if !keep {
                gate.release();
            }
            keep
        });
        (self.rules.len(), self.holds.len()) != before
    }

    /// Removes every rule, releasing every held request.
    pub fn clear(&mut self) {
        self.rules.clear();
        for (_, _, gate) in self.holds.drain(..) {
            gate.release();
        }
    }

    /// The rules in force, then the holds whose `count` is used up but which still hold
    /// requests until released (listed with a `count` of 0).
    pub fn list(&self) -> Vec<(u64, Fault)> {
        let mut list = self.rules.clone();
        list.extend(
            self.holds
                .iter()
                .filter(|(id, _, _)| !self.rules.iter().any(|(rule, _)| rule == id))
                .map(|(id, endpoint, _)| {
                    let fault = Fault {
                        endpoint: *endpoint,
                        kind: FaultKind::Hold,
                        count: Some(0),
                    };
                    (*id, fault)
                }),
        );
        list
    }

    /// The gate of the `hold` rule with this id, until it is released.
    pub fn hold(&self, id: u64) -> Option<Hold> {
        self.holds
            .iter()
            .find(|(hold, _, _)| *hold == id)
            .map(|(_, _, gate)| gate.clone())
    }

    /// When the latest requests to `endpoint` (`any`: to every endpoint) arrived, oldest
    /// first; at most [`MAX_ARRIVALS`] are remembered.
    pub fn arrivals(&self, endpoint: Endpoint) -> Vec<Instant> {
        self.arrivals
            .iter()
            .filter(|(to, _)| endpoint == Endpoint::Any || *to == endpoint)
            .map(|(_, at)| *at)
            .collect()
    }

    fn arrived(&mut self, endpoint: Endpoint, at: Instant) {
        if self.arrivals.len() == MAX_ARRIVALS {
            self.arrivals.pop_front();
        }
        self.arrivals.push_back((endpoint, at));
    }

    /// The first rule matching `endpoint`, counted as used, with its id; the device faults
    /// are left for [`Faults::take_device`].
    fn take(&mut self, endpoint: Endpoint) -> Option<(u64, FaultKind)> {
        let index = self.rules.iter().position(|(_, r)| {
            !r.kind.is_device() && (r.endpoint == Endpoint::Any || r.endpoint == endpoint)
        })?;
        self.use_rule(index)
    }

    /// The first device fault (`device_*`) for the token endpoint, counted as used: taken by
    /// a device code poll (`src/routes/device.rs`).
    pub fn take_device(&mut self) -> Option<crate::store::DevicePollFault> {
        use crate::store::DevicePollFault;
        let index = self.rules.iter().position(|(_, r)| {
            r.kind.is_device() && matches!(r.endpoint, Endpoint::Any | Endpoint::Token)
        })?;
        let (_, kind) = self.use_rule(index)?;
        match kind {
            FaultKind::DeviceSlowDown => Some(DevicePollFault::SlowDown),
            FaultKind::DeviceDenied => Some(DevicePollFault::Denied),
            FaultKind::DeviceExpired => Some(DevicePollFault::Expired),
            _ => None,
        }
    }

    /// Counts the rule at `index` as used (removing it when its count is spent).
    fn use_rule(&mut self, index: usize) -> Option<(u64, FaultKind)> {
        let (id, rule) = &mut self.rules[index];
        let (id, kind) = (*id, rule.kind.clone());
        if let Some(count) = &mut rule.count {
            *count = count.saturating_sub(1);
            if *count == 0 {
                self.rules.remove(index);
            }
        }
        Some((id, kind))
    }
}

/// What the personality's revocation endpoint answers when it revoked: GitHub's grant
/// deletion 204, Facebook's permission deletion `{"success": true}`, RFC 7009 (and Google)
/// 200 with no body.
fn revoked_but_not(personality: crate::Personality) -> Response {
    match personality {
        crate::Personality::Github => StatusCode::NO_CONTENT.into_response(),
        crate::Personality::Facebook => (
            [(header::CONTENT_TYPE, "application/json")],
            r#"{"success":true}"#,
        )
            .into_response(),
        _ => StatusCode::OK.into_response(),
    }
}

/// The middleware: applies the first matching rule, if any, to a request for `endpoint`.
pub async fn apply(
    State((shared, endpoint)): State<(std::sync::Arc<Shared>, Endpoint)>,
    request: Request,
    next: Next,
) -> Response {
    let taken = {
        let mut faults = shared.faults();
        faults.arrived(endpoint, Instant::now());
        faults.take(endpoint)
    };
    let fault = match taken {
        Some((id, FaultKind::Hold)) => {
            // Released (cleared) in between: nothing to wait for.
            let gate = shared.faults().hold(id);
            if let Some(gate) = gate {
                gate.pass().await;
            }
            None
        }
        other => other.map(|(_, kind)| kind),
    };
    match fault {
        None | Some(FaultKind::InvalidGrant { .. } | FaultKind::Hold) => next.run(request).await,
        Some(FaultKind::IdTokenSubject { sub }) => {
            spoil(request, next, IdTokenFault::Subject(sub)).await
        }
        Some(FaultKind::IdTokenNonce { nonce }) => {
            spoil(request, next, IdTokenFault::Nonce(nonce)).await
        }
        Some(FaultKind::IdTokenAudience { aud }) => {
            spoil(request, next, IdTokenFault::Audience(aud)).await
        }
        Some(FaultKind::IdTokenExpired) => spoil(request, next, IdTokenFault::Expired).await,
        Some(FaultKind::IdTokenBadSignature) => {
            spoil(request, next, IdTokenFault::BadSignature).await
        }
        Some(FaultKind::IdTokenIssuer { iss }) => {
            spoil(request, next, IdTokenFault::Issuer(iss)).await
        }
        Some(FaultKind::IdTokenAlgNone) => spoil(request, next, IdTokenFault::AlgNone).await,
        Some(FaultKind::IdTokenHmac) => spoil(request, next, IdTokenFault::Hmac).await,
        Some(FaultKind::IdTokenMissing) => spoil(request, next, IdTokenFault::Missing).await,
        Some(FaultKind::IgnoreRevocation) if endpoint == Endpoint::Revoke => {
            revoked_but_not(shared.personality)
        }
        Some(FaultKind::IgnoreRevocation) => next.run(request).await,
        Some(FaultKind::Latency { ms }) => {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            next.run(request).await
        }
        Some(FaultKind::Status {
            status,
            retry_after,
        }) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let reason = status.canonical_reason().unwrap_or("Error");
            let mut response = (status, format!("{} {reason}\n", status.as_u16())).into_response();
            if let Some(seconds) = retry_after {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
            }
            response
        }
        Some(FaultKind::MalformedJson) => (
            [(header::CONTENT_TYPE, "application/json")],
            r#"{"access_token": "sbx_truncated", "token_type": "Bear"#,
        )
            .into_response(),
        Some(FaultKind::HtmlError) => (
            StatusCode::BAD_GATEWAY,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head>\
             <body><h1>502 Bad Gateway</h1><p>The upstream server is unavailable.</p></body></html>",
        )
            .into_response(),
        Some(FaultKind::Answer { status, body }) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
            (status, axum::Json(body)).into_response()
        }
        Some(FaultKind::Oversized { bytes }) => oversized(bytes),
        Some(FaultKind::Redirect { status, location }) => {
            let status = StatusCode::from_u16(status)
                .ok()
                .filter(StatusCode::is_redirection)
                .unwrap_or(StatusCode::TEMPORARY_REDIRECT);
            match HeaderValue::try_from(location) {
                Ok(location) => (status, [(header::LOCATION, location)]).into_response(),
                Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
            }
        }
        Some(FaultKind::GraphError { subcode }) => crate::replies::facebook::session_error(subcode)
            .unwrap_or_else(|| StatusCode::INTERNAL_SERVER_ERROR.into_response()),
        Some(FaultKind::Aadsts { code }) => crate::replies::microsoft::fault_error(code)
            .unwrap_or_else(|| StatusCode::INTERNAL_SERVER_ERROR.into_response()),
        Some(FaultKind::DropConnection) => cut_connection(),
        Some(FaultKind::DropResponse) => {
            drop(next.run(request).await);
            cut_connection()
        }
        // Kept by the listener, never in this list (`src/routes/admin.rs`); the device faults
        // are taken by the device code polls themselves (`Faults::take_device`).
        Some(
            FaultKind::RefuseConnections
            | FaultKind::DeviceSlowDown
            | FaultKind::DeviceDenied
            | FaultKind::DeviceExpired,
        ) => next.run(request).await,
    }
}

/// Runs the endpoint with the ID token it issues to be spoiled as `fault` says.
async fn spoil(mut request: Request, next: Next, fault: IdTokenFault) -> Response {
    request.extensions_mut().insert(fault);
    next.run(request).await
}

/// The most bytes an `oversized` answer sends.
const MAX_OVERSIZED: u64 = 64 * 1024 * 1024;

/// A 200 JSON answer of `bytes` bytes: a string of spaces in an object, sent in chunks.
fn oversized(bytes: u64) -> Response {
    const CHUNK: usize = 64 * 1024;
    let total = usize::try_from(bytes.min(MAX_OVERSIZED)).unwrap_or(CHUNK);
    let (open, close) = (b"{\"access_token\":\"".as_slice(), b"\"}".as_slice());
    let filler = total.saturating_sub(open.len() + close.len());
    let mut chunks: Vec<Vec<u8>> = vec![open.to_vec()];
    chunks.extend((0..filler.div_ceil(CHUNK)).map(|i| vec![b' '; CHUNK.min(filler - i * CHUNK)]));
    chunks.push(close.to_vec());
    let stream = futures_util::stream::iter(chunks.into_iter().map(Ok::<_, std::io::Error>));
    let headers = [(header::CONTENT_TYPE, "application/json")];
    (StatusCode::OK, headers, Body::from_stream(stream)).into_response()
}

/// A 200 whose body fails before its first byte: the connection is cut.
fn cut_connection() -> Response {
    let cut = futures_util::stream::once(async {
        let error = std::io::Error::new(ErrorKind::ConnectionAborted, "fault injected");
        Err::<Vec<u8>, _>(error)
    });
    let headers = [(header::CONTENT_TYPE, "application/json")];
    (StatusCode::OK, headers, Body::from_stream(cut)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_apply_to_their_endpoint_for_their_count() {
        let mut faults = Faults::default();
        faults.add(Fault {
            endpoint: Endpoint::Token,
            kind: FaultKind::MalformedJson,
            count: Some(2),
        });
        assert_eq!(faults.take(Endpoint::Userinfo), None);
        let kind = |taken: Option<(u64, FaultKind)>| taken.map(|(_, kind)| kind);
        assert_eq!(
            kind(faults.take(Endpoint::Token)),
            Some(FaultKind::MalformedJson)
        );
        assert_eq!(
            kind(faults.take(Endpoint::Token)),
            Some(FaultKind::MalformedJson)
        );
        assert_eq!(faults.take(Endpoint::Token), None, "used up after two");
    }

    #[test]
    fn one_rule_is_removed_by_its_id_and_the_others_stay() {
        let mut faults = Faults::default();
        let rule = |kind| Fault {
            endpoint: Endpoint::Token,
            kind,
            count: None,
        };
        let first = faults.add(rule(FaultKind::MalformedJson));
        let second = faults.add(rule(FaultKind::HtmlError));
        assert_ne!(first, second);
        assert_ne!(first, REFUSALS_ID);
        assert!(faults.remove(first));
        assert!(!faults.remove(first), "gone already");
        assert_eq!(
            faults.take(Endpoint::Token),
            Some((second, FaultKind::HtmlError))
        );
        assert_eq!(faults.list().len(), 1);
        assert!(
            faults.add(rule(FaultKind::MalformedJson)) > second,
            "ids are not reused"
        );
    }

    #[test]
    fn a_hold_stays_listed_once_used_up_until_released() {
        let mut faults = Faults::default();
        let id = faults.add(Fault {
            endpoint: Endpoint::Revoke,
            kind: FaultKind::Hold,
            count: Some(1),
        });
        assert_eq!(faults.take(Endpoint::Revoke), Some((id, FaultKind::Hold)));
        assert_eq!(faults.take(Endpoint::Revoke), None, "one request held");
        let listed = faults.list();
        assert_eq!(listed.len(), 1, "still holding: {listed:?}");
        assert_eq!((listed[0].0, listed[0].1.count), (id, Some(0)));
        let gate = faults.hold(id).expect("its gate");
        assert!(faults.remove(id), "released by its id");
        assert!(faults.list().is_empty() && faults.hold(id).is_none());
        assert!(
            tokio::runtime::Builder::new_current_thread()
                .build()
                .expect("runtime")
                .block_on(async { !gate.until_held(1).await }),
            "the gate was released"
        );
    }

    #[test]
    fn arrivals_are_kept_per_endpoint_and_bounded() {
        let mut faults = Faults::default();
        let start = Instant::now();
        for n in 0..MAX_ARRIVALS + 2 {
            let endpoint = if n % 2 == 0 {
                Endpoint::Token
            } else {
                Endpoint::Revoke
            };
            faults.arrived(endpoint, start + Duration::from_millis(n as u64));
        }
        let token = faults.arrivals(Endpoint::Token);
        assert_eq!(token.len(), MAX_ARRIVALS / 2, "the two oldest were dropped");
        assert!(token.windows(2).all(|w| w[0] < w[1]), "oldest first");
        assert_eq!(faults.arrivals(Endpoint::Any).len(), MAX_ARRIVALS);
    }

    #[test]
    fn rules_parse_from_admin_json() {
        let fault: Fault = serde_json::from_str(
            r#"{"endpoint":"token","kind":"status","status":429,"retry_after":7,"count":3}"#,
        )
        .expect("parse");
        assert_eq!(
            fault,
            Fault {
                endpoint: Endpoint::Token,
                kind: FaultKind::Status {
                    status: 429,
                    retry_after: Some(7)
                },
                count: Some(3)
            }
        );
        let default: Fault = serde_json::from_str(r#"{"kind":"html_error"}"#).expect("parse");
        assert_eq!(default.endpoint, Endpoint::Any);
        assert_eq!(default.count, Some(1));
    }
}
