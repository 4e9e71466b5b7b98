//! The authorization server's memory, [`AuthStore`]: registered clients and test users, consent
//! requests on their way through the consent page, grants, and the codes and tokens issued from
//! them, with every rule about them (RFC 6749, RFC 7636, RFC 7009, RFC 9700).
//!
//! Invariants: tokens and codes are kept only as SHA-256 digests ([`digest`]), as real
//! providers do, so neither a memory dump nor the state file holds a usable one. A grant is one
//! consent: the code it produced and every access and refresh token descending from it;
//! revoking a grant revokes them all. Time is the store's own clock ([`AuthStore::now`]), which
//! the admin API can move forward, never the wall clock directly.
//!
//! What anyone can make it hold is bounded, so a web page cannot exhaust it: at most
//! [`MAX_PENDING`] consent requests the person opened and as many that pages or programs
//! opened (the oldest of the same kind is dropped: `pending.rs`), [`MAX_USERS`] test users and
//! [`MAX_CLIENTS`] clients (more is refused with a clear error).
//!
//! The store knows nothing of HTTP: it never builds a response or reads a request, and it never
//! touches a file: it reads and renders the state file's bytes ([`AuthStore::load`],
//! [`AuthStore::snapshot`]). Each file beside this one adds one part of its behaviour:
//! - `directory.rs`: clients and test users, client authentication, redirect URI matching;
//! - `pending.rs`: authorization requests awaiting consent, and consent turning one into a grant;
//! - `device.rs`: device authorization requests (RFC 8628), the person's answer, the polls;
//! - `issued.rs`: codes, access and refresh tokens: issuing, redeeming, rotation, reuse
//!   detection;
//! - `lookup.rs`: what a presented token is worth (introspection and bearer checks);
//! - `grants.rs`: grants and their revocation;
//! - `exchange.rs`: token exchange (RFC 8693): what may be exchanged for what;
//! - `client_auth.rs`: client authentication by any method, `private_key_jwt` assertions and
//!   their single use included;
//! - `pushed.rs`: pushed authorization requests (RFC 9126) until the browser brings them;
//! - `binding.rs`: DPoP: tokens bound to a client's key, server nonces (RFC 9449);
//! - `persistence.rs`: the state file (`--state FILE`) the store survives restarts in.

mod binding;
mod client_auth;
mod device;
mod directory;
pub mod exchange;
mod grants;
mod issued;
mod lookup;
mod pending;
mod persistence;
mod pushed;
mod replays;

use std::collections::HashMap;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use sha2::{Digest, Sha256};

use crate::config::{ClientConfig, Personality, SandboxConfig, TestUser};

pub use client_auth::Credential;
pub use device::{DevicePollFault, PollRefusal};
pub use directory::redirect_matches;
pub use grants::{AADSTS50173, AADSTS700082, Grant};
pub use issued::Issued;
pub use lookup::{Inactive, TokenInfo, TokenKind};
pub use pending::{Opener, Pending};
pub use persistence::SavedKeys;
pub use pushed::NotPushed;

/// Authorization requests awaiting consent, per [`Opener`]; opening one more drops the oldest
/// of its opener.
pub const MAX_PENDING: usize = 1000;
/// Test users, made in the admin API or typed on the consent page.
pub const MAX_USERS: usize = 1000;
/// Registered clients.
pub const MAX_CLIENTS: usize = 100;

use issued::{AccessToken, Code, RefreshToken};

/// Seconds since the Unix epoch, on the store's clock.
pub type Time = u64;

/// What the store keeps of a token or code: its SHA-256 digest, in base64url.
fn digest(token: &str) -> String {
    B64.encode(Sha256::digest(token.as_bytes()))
}

/// Everything the provider remembers; one per running sandbox, behind `Shared`'s lock in
/// `src/lib.rs`.
pub struct AuthStore {
    pub personality: Personality,
    access_lifetime: u64,
    code_lifetime: u64,
    rotate_refresh_tokens: bool,
    /// The device grant's first interval and its codes' lifetime, in seconds.
    pub device_interval: u64,
    pub device_lifetime: u64,
    pub clients: Vec<ClientConfig>,
    pub users: Vec<TestUser>,
    pending: HashMap<String, Pending>,
    /// Keyed by [`digest`], like the two token maps.
    codes: HashMap<String, Code>,
    grants: HashMap<u64, Grant>,
    access_tokens: HashMap<String, AccessToken>,
    refresh_tokens: HashMap<String, RefreshToken>,
    next_grant: u64,
    /// Counts consent requests, so the oldest can be dropped first.
    next_pending: u64,
    /// Seconds added to the wall clock (the admin API moves time forward for QA).
    clock_offset: i64,
    /// Users whose token requests fail with `invalid_grant` (fault injection).
    pub invalid_grant_users: Vec<UserFault>,
    /// Device authorization requests (RFC 8628), until their tokens are issued.
    device: device::DeviceRequests,
    /// Client assertion and DPoP proof identifiers seen, against replays.
    replays: replays::Replays,
    /// Pushed authorization requests waiting for the browser (`pushed.rs`).
    pushed: pushed::PushedRequests,
    /// Whether the authorization endpoint takes only pushed requests (RFC 9126 §5).
    pub require_par: bool,
    /// Tokens bound to DPoP keys, server nonces, the DPoP switches (`binding.rs`).
    dpop: binding::Dpop,
}

/// An `invalid_grant` fault for one user: its rule id (from `src/faults.rs`), the user's `sub`,
/// and how many more token requests it spoils (`None`: until cleared).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserFault {
    pub id: u64,
    pub sub: String,
    pub count: Option<u32>,
}

impl AuthStore {
    pub fn new(config: &SandboxConfig) -> Self {
        Self {
            personality: config.personality,
            access_lifetime: config.access_token_lifetime.as_secs().max(1),
            code_lifetime: config.code_lifetime.as_secs().max(1),
            rotate_refresh_tokens: config.rotate_refresh_tokens,
            device_interval: config.device_interval.as_secs(),
            device_lifetime: config.device_code_lifetime.as_secs().max(1),
            clients: config
                .clients
                .iter()
                .cloned()
                .map(directory::kept)
                .collect(),
            users: config.users.clone(),
            pending: HashMap::new(),
            codes: HashMap::new(),
            grants: HashMap::new(),
            access_tokens: HashMap::new(),
            refresh_tokens: HashMap::new(),
            next_grant: 1,
            next_pending: 0,
            clock_offset: 0,
            invalid_grant_users: Vec::new(),
            device: device::DeviceRequests::default(),
            replays: replays::Replays::default(),
            pushed: pushed::PushedRequests::default(),
            // Only the generic personality has a pushed authorization request endpoint.
            require_par: config.require_pushed_authorization_requests
                && config.personality == Personality::Generic,
            dpop: binding::Dpop::new(config.dpop),
        }
    }

    pub fn now(&self) -> Time {
        let wall = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        wall.saturating_add_signed(self.clock_offset)
    }

    /// Records the one-time identifier `id` (namespaced by its caller: `assertion:…`,
    /// `dpop:…`) as used until `until`: false for a replay (`store/replays.rs`).
    pub fn first_use(&mut self, id: &str, until: Time) -> bool {
        let now = self.now();
        self.replays.first_use(id, until, now)
    }

    /// Moves the sandbox's clock forward, so tokens expire without waiting.
    pub fn advance_clock(&mut self, seconds: u64) {
        self.clock_offset = self.clock_offset.saturating_add(seconds as i64);
    }
}
