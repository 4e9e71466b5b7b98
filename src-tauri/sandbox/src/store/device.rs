//! The device authorization grant (RFC 8628): device authorization requests, the person's
//! answer on the verification page, and the client's polls at the token endpoint.
//!
//! A request is opened by the device authorization endpoint (§3.1, §3.2) and answered with a
//! `device_code`, the client's secret, and a `user_code`, the person's: eight letters from an
//! alphabet without vowels or look-alikes, shown as `WDJB-MJHT` (§6.1). The person types (or
//! follows a link with) the user code on the verification page, picks a test user and allows
//! or denies; the client polls meanwhile (§3.4, §3.5) and is told `authorization_pending`,
//! `slow_down`, `access_denied`, `expired_token`, or gets its tokens.
//!
//! Invariants: the device code is kept only as its digest, like every token (`mod.rs`); the
//! user code is not a secret of the client's, but looking one up is case-insensitive and
//! ignores separators. A device code gets its tokens at most once; a poll sooner than the
//! request's interval after the previous one is answered `slow_down`, and the interval then
//! grows by five seconds (§3.5). An approval needs the one-time form token of the page that
//! showed it (the CSRF defence; `src/guard.rs` checks the Origin too). At most [`MAX_PENDING`]
//! requests wait (the oldest is dropped), so a flood cannot exhaust the sandbox.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use subtle::ConstantTimeEq;

use super::{AuthStore, Issued, MAX_PENDING, Opener, Pending, Time, digest};
use crate::config::{Personality, TestUser};
use crate::oauth_error::OAuthError;
use crate::random;

/// The user code's alphabet: consonants only, so no word is spelled and nothing looks alike
/// (RFC 8628 §6.1).
const USER_CODE_ALPHABET: &[u8] = b"BCDFGHJKLMNPQRSTVWXZ";
/// How much `slow_down` adds to a request's interval, in seconds (RFC 8628 §3.5).
pub const SLOW_DOWN_STEP: u64 = 5;

/// A device authorization request, from its opening until its tokens are issued.
#[derive(Debug, Clone)]
pub struct DeviceRequest {
    pub client_id: String,
    pub scopes: Vec<String>,
    /// As shown to the person: `WDJB-MJHT`.
    pub user_code: String,
    pub expires_at: Time,
    /// Seconds the client must wait between polls; grows with each `slow_down`.
    pub interval: u64,
    last_poll: Option<Instant>,
    pub answer: DeviceAnswer,
    /// The one-time token of the verification form last shown for it.
    form_token: Option<String>,
    opened: u64,
}

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceAnswer {
    Pending,
    Approved {
        grant_id: u64,
    },
    Denied,
    /// Its tokens were issued: the device code is spent.
    Used,
}

/// What the device authorization endpoint answers (the strings in the clear, once).
pub struct DeviceGrant {
    pub device_code: String,
    pub user_code: String,
    pub expires_in: u64,
    pub interval: u64,
}

/// The device faults of `src/faults.rs`, applied to one poll.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DevicePollFault {
    SlowDown,
    Denied,
    Expired,
}

/// What a poll is answered, short of tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PollRefusal {
    Pending,
    SlowDown { interval: u64 },
    Denied,
    Expired,
}

/// The device requests waiting, by the digest of their device code.
#[derive(Default)]
pub struct DeviceRequests {
    by_code: HashMap<String, DeviceRequest>,
    next: u64,
}

/// The user code typed, as the store keys it: letters only, upper case.
pub fn normalize_user_code(typed: &str) -> String {
    typed
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

fn new_user_code() -> String {
    let mut bytes = [0u8; 8];
    random::fill(&mut bytes);
    let letters: String = bytes
        .iter()
        .map(|b| USER_CODE_ALPHABET[usize::from(*b) % USER_CODE_ALPHABET.len()] as char)
        .collect();
    format!("{}-{}", &letters[..4], &letters[4..])
}

impl AuthStore {
    /// Opens a device authorization request for an authenticated client (RFC 8628 §3.2).
    pub fn open_device_request(&mut self, client_id: &str, scopes: Vec<String>) -> DeviceGrant {
        let now = self.now();
        let (lifetime, interval) = (self.device_lifetime, self.device_interval);
        let requests = &mut self.device;
        requests.by_code.retain(|_, r| r.expires_at > now);
        while requests.by_code.len() >= MAX_PENDING {
            let oldest = requests
                .by_code
                .iter()
                .min_by_key(|(_, r)| r.opened)
                .map(|(key, _)| key.clone());
            let Some(oldest) = oldest else { break };
            requests.by_code.remove(&oldest);
        }
        let device_code = random::token("sbx_dc_");
        let mut user_code = new_user_code();
        while requests.by_code.values().any(|r| r.user_code == user_code) {
            user_code = new_user_code();
        }
        requests.next += 1;
        requests.by_code.insert(
            digest(&device_code),
            DeviceRequest {
                client_id: client_id.to_owned(),
                scopes,
                user_code: user_code.clone(),
                expires_at: now + lifetime,
                interval,
                last_poll: None,
                answer: DeviceAnswer::Pending,
                form_token: None,
                opened: requests.next,
            },
        );
        DeviceGrant {
            device_code,
            user_code,
            expires_in: lifetime,
            interval,
        }
    }

    fn device_by_user_code(&mut self, typed: &str) -> Option<&mut DeviceRequest> {
        let wanted = normalize_user_code(typed);
        let now = self.now();
        self.device.by_code.values_mut().find(|r| {
            r.expires_at > now
                && r.answer == DeviceAnswer::Pending
                && bool::from(
                    normalize_user_code(&r.user_code)
                        .as_bytes()
                        .ct_eq(wanted.as_bytes()),
                )
        })
    }

    /// The request a typed user code names, still waiting for the person, with a new one-time
    /// form token for the page that shows it.
    pub fn show_device_request(&mut self, typed: &str) -> Option<(DeviceRequest, String)> {
        let request = self.device_by_user_code(typed)?;
        let token = random::token("dev_form_");
        request.form_token = Some(token.clone());
        Some((request.clone(), token))
    }

    /// The person's answer on the verification page: `Some(user)` allows `granted` (a subset of
    /// the request's scopes) for that user, `None` denies. Needs the form token of the page
    /// that showed the request; it is spent either way. Returns the request, or why not.
    pub fn answer_device_request(
        &mut self,
        typed: &str,
        form_token: &str,
        user: Option<&TestUser>,
        granted: Vec<String>,
    ) -> Result<DeviceRequest, &'static str> {
        let personality = self.personality;
        let request = self
            .device_by_user_code(typed)
            .ok_or("This code is not valid: it expired, was already used, or was mistyped.")?;
        let expected = request.form_token.take().unwrap_or_default();
        if expected.is_empty() || !bool::from(expected.as_bytes().ct_eq(form_token.as_bytes())) {
            return Err("This page is out of date. Enter the code again.");
        }
        let Some(user) = user else {
            request.answer = DeviceAnswer::Denied;
            return Ok(request.clone());
        };
        let snapshot = request.clone();
        let pending = Pending {
            client_id: snapshot.client_id.clone(),
            redirect_uri: String::new(),
            scopes: snapshot.scopes.clone(),
            state: None,
            nonce: None,
            code_challenge: String::new(),
            // Google gives every device grant a refresh token.
            offline: personality == Personality::Google,
            force_refresh_token: false,
            include_granted_scopes: false,
            expires_at: 0,
            opened: 0,
            opener: Opener::Person,
        };
        let granted = granted
            .into_iter()
            .filter(|s| snapshot.scopes.contains(s))
            .collect();
        let grant_id = self.record_grant(&pending, user, granted);
        let request = self
            .device_by_user_code(typed)
            .ok_or("This code is not valid any more.")?;
        request.answer = DeviceAnswer::Approved { grant_id };
        Ok(request.clone())
    }

    /// A client's poll with `device_code` (RFC 8628 §3.4, §3.5): its tokens once the person
    /// allowed, else why not. `fault` is an injected answer (`src/faults.rs`).
    pub fn poll_device(
        &mut self,
        client_id: &str,
        device_code: &str,
        fault: Option<DevicePollFault>,
    ) -> Result<Result<Issued, PollRefusal>, OAuthError> {
        let now = self.now();
        let key = digest(device_code);
        let request = self
            .device
            .by_code
            .get_mut(&key)
            .ok_or_else(|| OAuthError::invalid_grant("unknown device code"))?;
        if request.client_id != client_id {
            return Err(OAuthError::invalid_grant(
                "the device code was issued to another client",
            ));
        }
        if request.answer == DeviceAnswer::Used {
            return Err(OAuthError::invalid_grant(
                "the device code was already used",
            ));
        }
        let arrived = Instant::now();
        let too_soon = request.last_poll.is_some_and(|last| {
            arrived.duration_since(last) < Duration::from_secs(request.interval)
        });
        request.last_poll = Some(arrived);
        match fault {
            Some(DevicePollFault::Expired) => request.expires_at = now,
            Some(DevicePollFault::Denied) if request.answer == DeviceAnswer::Pending => {
                request.answer = DeviceAnswer::Denied;
            }
            _ => {}
        }
        if request.expires_at <= now {
            return Ok(Err(PollRefusal::Expired));
        }
        if too_soon || fault == Some(DevicePollFault::SlowDown) {
            request.interval += SLOW_DOWN_STEP;
            return Ok(Err(PollRefusal::SlowDown {
                interval: request.interval,
            }));
        }
        match request.answer {
            DeviceAnswer::Pending => Ok(Err(PollRefusal::Pending)),
            DeviceAnswer::Denied => Ok(Err(PollRefusal::Denied)),
            DeviceAnswer::Used => Err(OAuthError::invalid_grant(
                "the device code was already used",
            )),
            DeviceAnswer::Approved { grant_id } => {
                request.answer = DeviceAnswer::Used;
                let grant = self.live_grant(grant_id)?;
                let refresh = grant.offline;
                Ok(Ok(self.issue(&grant, grant.scopes.clone(), refresh)))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::SandboxConfig;

    #[test]
    fn user_codes_are_short_human_and_typed_loosely() {
        for _ in 0..50 {
            let code = new_user_code();
            assert_eq!(code.len(), 9, "{code}");
            assert_eq!(&code[4..5], "-");
            assert!(
                code.bytes()
                    .filter(|b| *b != b'-')
                    .all(|b| USER_CODE_ALPHABET.contains(&b))
            );
        }
        assert_eq!(normalize_user_code(" wdjb mjht "), "WDJBMJHT");
        assert_eq!(normalize_user_code("WDJB-MJHT"), "WDJBMJHT");
    }

    #[test]
    fn a_device_code_is_pending_then_issues_once_and_only_with_the_form_token() {
        let mut store = AuthStore::new(&SandboxConfig {
            device_interval: Duration::ZERO,
            ..SandboxConfig::default()
        });
        let opened = store.open_device_request("grantry-desktop", vec!["openid".into()]);
        let poll = |store: &mut AuthStore| {
            store
                .poll_device("grantry-desktop", &opened.device_code, None)
                .map(|r| r.map(|_| ()))
        };
        assert_eq!(poll(&mut store), Ok(Err(PollRefusal::Pending)));
        let typed = opened.user_code.to_lowercase().replace('-', "");
        let (_, token) = store.show_device_request(&typed).expect("shown");
        let alice = TestUser::from_login("alice");
        let wrong = store.answer_device_request(&typed, "forged", Some(&alice), vec![]);
        assert!(wrong.is_err(), "a forged form token is refused");
        let (_, token2) = store.show_device_request(&typed).expect("shown again");
        assert_ne!(token, token2);
        store
            .answer_device_request(&typed, &token2, Some(&alice), vec!["openid".into()])
            .expect("allowed");
        assert_eq!(poll(&mut store), Ok(Ok(())));
        assert!(poll(&mut store).is_err(), "single use");
        assert!(store.show_device_request(&typed).is_none(), "answered");
    }
}
