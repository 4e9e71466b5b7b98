//! The admin operations, one method each on [`Admin`]: see the configuration, add and remove
//! users and clients, list and revoke grants, inject, list and clear faults, expire every access
//! token, move the clock forward, rotate the signing key, switch DPoP's demands. The HTTP admin API
//! (`src/routes/admin.rs`) is a thin wrapper over these, and the app's Sandbox screen calls
//! them in-process through [`crate::Sandbox::admin`], so the two share one implementation and
//! the admin token never has to travel to the window.
//!
//! Invariants: every input is checked here, and a refused one changes nothing ([`AdminError`]
//! says why). Nothing here returns a client secret or a token. Every change to what the state
//! file keeps is marked ([`Shared::changed`]). No rule of the store is bypassed: removing a user
//! or a client revokes their grants as a client's revocation would (`src/store/directory.rs`).

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::Shared;
use crate::config::{
    ClientAuth, ClientConfig, DpopSettings, GRANTRY_CLIENT_ID, Personality, TestUser,
};
use crate::faults::{Endpoint, Fault, FaultKind, REFUSALS_ID};
use crate::store::{Grant, UserFault};

/// The longest name, e-mail, client id or redirect URI the admin API takes, as for request
/// parameters (`src/params.rs`).
const MAX_FIELD: usize = crate::params::MAX_PARAM_LEN;
/// The most redirect URIs one client may register.
const MAX_REDIRECT_URIS: usize = 20;
/// The longest latency a fault may add: ten minutes.
const MAX_LATENCY_MS: u64 = 600_000;

/// Why an admin operation was refused; nothing was changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AdminError {
    /// The input is not valid (HTTP 400).
    #[error("{0}")]
    Invalid(String),
    /// It exists already (HTTP 409).
    #[error("{0}")]
    Conflict(String),
    /// There is no such user, client, grant or fault (HTTP 404).
    #[error("{0}")]
    NotFound(String),
}

/// A test user to add: only the login is required; the name and e-mail are made up from it
/// otherwise ([`TestUser::from_login`]).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "NewTestUser"))]
pub struct NewUser {
    pub login: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
}

/// A registered client as the admin API shows it: never its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "SandboxClientView"))]
pub struct ClientView {
    pub client_id: String,
    pub name: String,
    pub auth: ClientAuth,
    pub redirect_uris: Vec<String>,
    /// Whether [`Admin::remove_client`] takes it: every client but Grantry's own.
    pub removable: bool,
    /// GitHub only ([`ClientConfig::expiring_tokens`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub expiring_tokens: Option<bool>,
    /// A `private_key_jwt` client's registered public keys ([`ClientConfig::jwks`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional, type = "unknown"))]
    pub jwks: Option<serde_json::Value>,
}

/// A scope the personality knows, and what it allows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "SandboxScope"))]
pub struct ScopeView {
    pub name: String,
    pub description: String,
}

/// What the sandbox is: `GET /_sandbox`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "SandboxOverview"))]
pub struct Overview {
    pub issuer: String,
    pub personality: Personality,
    pub clients: Vec<ClientView>,
    pub users: Vec<TestUser>,
    pub scopes: Vec<ScopeView>,
    /// Whether the authorization endpoint takes only pushed requests (RFC 9126 §5; the
    /// generic personality only: [`Admin::set_require_par`]).
    pub require_pushed_authorization_requests: bool,
    /// The DPoP switches in force (RFC 9449: [`Admin::set_dpop`]).
    pub dpop: DpopSettings,
}

/// A fault in force, with the id that clears it alone ([`Admin::remove_fault`]) and, in
/// `count`, how many more requests (connections, for `refuse_connections`) it applies to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ActiveFault {
    pub id: u64,
    #[serde(flatten)]
    pub fault: Fault,
    /// A `hold` only: how many requests it holds now.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub held: Option<usize>,
}

/// The most keys one client's JWKS may hold.
const MAX_KEYS: usize = 10;

/// A JWK Set a `private_key_jwt` client may register: `{"keys": [...]}` of 1 to [`MAX_KEYS`]
/// public P-256 keys (the one kind `src/jws.rs` verifies), each `kid` at most once.
fn check_jwks(jwks: &serde_json::Value) -> Result<(), AdminError> {
    let invalid = |why: String| Err(AdminError::Invalid(format!("jwks: {why}")));
    let Some(keys) = jwks["keys"].as_array() else {
        return invalid("a JWK Set is an object with a \"keys\" array".into());
    };
    if keys.is_empty() || keys.len() > MAX_KEYS {
        return invalid(format!("1 to {MAX_KEYS} keys"));
    }
    if jwks.to_string().len() > 4 * MAX_FIELD {
        return invalid(format!("at most {} bytes", 4 * MAX_FIELD));
    }
    let mut kids = Vec::new();
    for (i, key) in keys.iter().enumerate() {
        if let Err(why) = crate::jws::thumbprint(key) {
            return invalid(format!("key {i}: {why}"));
        }
        if let Some(kid) = key.get("kid") {
            if !kid.is_string() || kids.contains(&kid) {
                return invalid(format!("key {i}: kid must be a string, each kid once"));
            }
            kids.push(kid);
        }
    }
    Ok(())
}

/// The admin operations on one running sandbox; cheap to clone.
#[derive(Clone)]
pub struct Admin(pub(crate) Arc<Shared>);

impl Admin {
    pub fn overview(&self) -> Overview {
        let shared = &self.0;
        let store = shared.store();
        let clients = store
            .clients
            .iter()
            .map(|c| ClientView {
                client_id: c.client_id.clone(),
                name: c.name.clone(),
                auth: c.auth,
                redirect_uris: c.redirect_uris.clone(),
                removable: c.client_id != GRANTRY_CLIENT_ID,
                expiring_tokens: (shared.personality == Personality::Github)
                    .then_some(c.expiring_tokens),
                jwks: c.jwks.clone(),
            })
            .collect();
        Overview {
            issuer: shared.issuer.clone(),
            personality: shared.personality,
            clients,
            users: store.users.clone(),
            require_pushed_authorization_requests: store.require_par,
            dpop: store.dpop_settings(),
            scopes: shared
                .personality
                .scopes()
                .iter()
                .map(|s| ScopeView {
                    name: s.name.to_owned(),
                    description: s.description.to_owned(),
                })
                .collect(),
        }
    }

    pub fn users(&self) -> Vec<TestUser> {
        self.0.store().users.clone()
    }

    /// Adds a test user; returns it as the sandbox keeps it.
    pub fn add_user(&self, new: NewUser) -> Result<TestUser, AdminError> {
        if !TestUser::is_valid_login(&new.login) {
            return Err(AdminError::Invalid(format!(
                "{:?} is not a valid login: 1 to 32 of a-z, 0-9, '.', '_' and '-'",
                new.login
            )));
        }
        let too_long = [&new.name, &new.email]
            .into_iter()
            .flatten()
            .any(|f| f.len() > MAX_FIELD);
        if too_long {
            return Err(AdminError::Invalid(format!(
                "name and email are at most {MAX_FIELD} bytes"
            )));
        }
        let mut store = self.0.store();
        if store.user_by_login(&new.login).is_some() {
            return Err(AdminError::Conflict(format!(
                "a test user {:?} exists already",
                new.login
            )));
        }
        let mut user = TestUser::from_login(&new.login);
        if let Some(name) = new.name.filter(|n| !n.trim().is_empty()) {
            user.name = name;
        }
        if let Some(email) = new.email.filter(|e| !e.trim().is_empty()) {
            user.email = email;
        }
        store.add_user(user.clone()).map_err(AdminError::Invalid)?;
        self.0.changed();
        Ok(user)
    }

    /// Removes a test user and revokes every grant the user gave (their tokens stop working;
    /// the grants stay listed, revoked). Returns how many live grants were revoked.
    pub fn remove_user(&self, login: &str) -> Result<usize, AdminError> {
        let revoked = self
            .0
            .store()
            .remove_user(login)
            .ok_or_else(|| AdminError::NotFound(format!("no test user {login:?}")))?;
        self.0.changed();
        Ok(revoked)
    }

    /// Adds a client, or replaces the one with its `client_id`.
    pub fn add_client(&self, client: ClientConfig) -> Result<(), AdminError> {
        if client.client_id.is_empty() || client.redirect_uris.is_empty() {
            return Err(AdminError::Invalid(
                "client_id and at least one redirect URI are required".into(),
            ));
        }
        let fields = [&client.client_id, &client.name]
            .into_iter()
            .chain(&client.redirect_uris)
            .chain(&client.client_secret);
        if client.redirect_uris.len() > MAX_REDIRECT_URIS
            || fields.into_iter().any(|f| f.len() > MAX_FIELD)
        {
            return Err(AdminError::Invalid(format!(
                "at most {MAX_REDIRECT_URIS} redirect URIs, and no field longer than {MAX_FIELD} \
                 bytes"
            )));
        }
        if let Some(bad) = client
            .redirect_uris
            .iter()
            .find(|r| url::Url::parse(r).is_err())
        {
            return Err(AdminError::Invalid(format!(
                "{bad:?} is not an absolute URI"
            )));
        }
        if (client.auth == ClientAuth::Secret) != client.client_secret.is_some() {
            return Err(AdminError::Invalid(
                "a client_secret goes with auth \"secret\", and only with it".into(),
            ));
        }
        if (client.auth == ClientAuth::PrivateKeyJwt) != client.jwks.is_some() {
            return Err(AdminError::Invalid(
                "a jwks goes with auth \"private_key_jwt\", and only with it".into(),
            ));
        }
        if let Some(jwks) = &client.jwks {
            check_jwks(jwks)?;
        }
        self.0
            .store()
            .set_client(client)
            .map_err(AdminError::Invalid)?;
        self.0.changed();
        Ok(())
    }

    /// Replaces the public keys of a `private_key_jwt` client: assertions signed with the old
    /// keys are refused from now on.
    pub fn set_client_jwks(
        &self,
        client_id: &str,
        jwks: serde_json::Value,
    ) -> Result<(), AdminError> {
        check_jwks(&jwks)?;
        let mut store = self.0.store();
        let Some(mut client) = store.client(client_id).cloned() else {
            return Err(AdminError::NotFound(format!("no client {client_id:?}")));
        };
        if client.auth != ClientAuth::PrivateKeyJwt {
            return Err(AdminError::Invalid(format!(
                "client {client_id:?} does not use private_key_jwt; register it again with \
                 auth \"private_key_jwt\" and its jwks"
            )));
        }
        client.jwks = Some(jwks);
        store.replace_client(client);
        drop(store);
        self.0.changed();
        Ok(())
    }

    /// Turns on or off the rule that authorization requests must be pushed first (RFC 9126
    /// §5): discovery then says `require_pushed_authorization_requests`, and the
    /// authorization endpoint refuses a request without a `request_uri`. Only the generic
    /// personality has a pushed authorization request endpoint.
    pub fn set_require_par(&self, required: bool) -> Result<(), AdminError> {
        if required && self.0.personality != Personality::Generic {
            return Err(AdminError::Invalid(
                "only the generic personality has a pushed authorization request endpoint".into(),
            ));
        }
        self.0.store().require_par = required;
        self.0.changed();
        Ok(())
    }

    /// Removes a client and revokes every grant made to it. Grantry's own client
    /// ([`GRANTRY_CLIENT_ID`]) stays: the app links through it. Returns how many live grants
    /// were revoked.
    pub fn remove_client(&self, client_id: &str) -> Result<usize, AdminError> {
        if client_id == GRANTRY_CLIENT_ID {
            return Err(AdminError::Invalid(format!(
                "{GRANTRY_CLIENT_ID} is the client Grantry links with; it can be replaced, not \
                 removed"
            )));
        }
        let revoked = self
            .0
            .store()
            .remove_client(client_id)
            .ok_or_else(|| AdminError::NotFound(format!("no client {client_id:?}")))?;
        self.0.changed();
        Ok(revoked)
    }

    pub fn grants(&self) -> Vec<Grant> {
        self.0.store().grants()
    }

    pub fn revoke_grant(&self, id: u64) -> Result<(), AdminError> {
        let mut store = self.0.store();
        if !store.grants().iter().any(|g| g.id == id) {
            return Err(AdminError::NotFound(format!("no grant {id}")));
        }
        store.revoke_grant(id, "revoked from the sandbox admin API");
        drop(store);
        self.0.changed();
        Ok(())
    }

    /// Takes one scope out of a grant, as a person removing one permission at the provider
    /// would: its tokens no longer carry it (introspection stops listing it).
    pub fn remove_scope(&self, id: u64, scope: &str) -> Result<(), AdminError> {
        if !self.0.store().decline_scope(id, scope) {
            return Err(AdminError::NotFound(format!(
                "no grant {id}, or it does not hold {scope:?}"
            )));
        }
        self.0.changed();
        Ok(())
    }

    /// Every fault in force: the rules, then the `invalid_grant` faults (naming the user by
    /// login), then `refuse_connections`.
    pub fn faults(&self) -> Vec<ActiveFault> {
        let shared = &self.0;
        let mut faults: Vec<ActiveFault> = {
            let rules = shared.faults();
            rules
                .list()
                .into_iter()
                .map(|(id, fault)| ActiveFault {
                    id,
                    held: rules.hold(id).map(|gate| gate.held()),
                    fault,
                })
                .collect()
        };
        let store = shared.store();
        faults.extend(store.invalid_grant_users.iter().map(|user_fault| {
            let user = store
                .user_by_sub(&user_fault.sub)
                .map_or(user_fault.sub.clone(), |u| u.login.clone());
            ActiveFault {
                id: user_fault.id,
                held: None,
                fault: Fault {
                    endpoint: Endpoint::Token,
                    kind: FaultKind::InvalidGrant { user },
                    count: user_fault.count,
                },
            }
        }));
        let refused = shared.refusals.left();
        if refused != Some(0) {
            faults.push(ActiveFault {
                id: REFUSALS_ID,
                held: None,
                fault: Fault {
                    endpoint: Endpoint::Any,
                    kind: FaultKind::RefuseConnections,
                    count: refused,
                },
            });
        }
        faults
    }

    /// Injects a fault; returns its id.
    pub fn add_fault(&self, fault: Fault) -> Result<u64, AdminError> {
        let shared = &self.0;
        let invalid = |message: String| Err(AdminError::Invalid(message));
        if fault.count == Some(0) {
            return invalid("count must be at least 1 (or null: until cleared)".into());
        }
        match &fault.kind {
            FaultKind::Latency { ms } if *ms > MAX_LATENCY_MS => {
                return invalid(format!("latency is at most {MAX_LATENCY_MS} ms"));
            }
            FaultKind::Status { status, .. } if !(100..=599).contains(status) => {
                return invalid("status must be an HTTP status code (100 to 599)".into());
            }
            FaultKind::InvalidGrant { user } => {
                let sub = {
                    let store = shared.store();
                    store
                        .user_by_login(user)
                        .or_else(|| store.user_by_sub(user))
                        .map(|u| u.sub.clone())
                };
                let Some(sub) = sub else {
                    return invalid(format!("no test user {user:?}"));
                };
                let id = shared.faults().next_id();
                shared.store().invalid_grant_users.push(UserFault {
                    id,
                    sub,
                    count: fault.count,
                });
                return Ok(id);
            }
            FaultKind::GraphError { subcode } => {
                if shared.personality != Personality::Facebook {
                    return invalid("graph_error is a fault of the Facebook personality".into());
                }
                if crate::replies::facebook::session_error(*subcode).is_none() {
                    let known: Vec<u32> = crate::replies::facebook::SESSION_SUBCODES
                        .iter()
                        .map(|(s, _)| *s)
                        .collect();
                    return invalid(format!("subcode must be one of {known:?}"));
                }
            }
            FaultKind::Aadsts { code } => {
                if shared.personality != Personality::Microsoft {
                    return invalid("aadsts is a fault of the Microsoft personality".into());
                }
                if crate::replies::microsoft::fault_error(*code).is_none() {
                    let known: Vec<u32> = crate::replies::microsoft::AADSTS_FAULTS
                        .iter()
                        .map(|(c, _, _)| *c)
                        .collect();
                    return invalid(format!("code must be one of {known:?}"));
                }
            }
            FaultKind::RefuseConnections => {
                shared.refusals.add(fault.count);
                return Ok(REFUSALS_ID);
            }
            _ => {}
        }
        Ok(shared.faults().add(fault))
    }

    /// Holds the next request to `endpoint` until the fault is cleared (a `hold` with a count
    /// of one); returns its id, for [`Admin::until_held`] and [`Admin::remove_fault`].
    pub fn hold_next(&self, endpoint: Endpoint) -> Result<u64, AdminError> {
        self.add_fault(Fault {
            endpoint,
            kind: FaultKind::Hold,
            count: Some(1),
        })
    }

    /// Waits until the `hold` fault `id` holds at least `n` requests (`src/hold.rs`): a test
    /// waits for "the request has arrived and is held", not for time. Refused when there is
    /// no such hold, or when it is released (cleared) first. Release it with
    /// [`Admin::remove_fault`].
    /// The wait borrows nothing, so it can be raced against other work or given a deadline.
    pub fn until_held(
        &self,
        id: u64,
        n: usize,
    ) -> impl Future<Output = Result<(), AdminError>> + Send + 'static {
        let gate = self.0.faults().hold(id);
        async move {
            let gate =
                gate.ok_or_else(|| AdminError::NotFound(format!("no hold {id} in force")))?;
            if gate.until_held(n).await {
                Ok(())
            } else {
                Err(AdminError::NotFound(format!(
                    "hold {id} was released before {n} requests were held"
                )))
            }
        }
    }

    /// When the latest requests to `endpoint` (`any`: to every endpoint) reached the sandbox,
    /// oldest first (the last 256 requests are remembered), for tests of a client's timing:
    /// a wait a `Retry-After` asked for, a backoff.
    pub fn arrivals(&self, endpoint: Endpoint) -> Vec<std::time::Instant> {
        self.0.faults().arrivals(endpoint)
    }

    /// Clears one fault, by the id [`Admin::faults`] lists it with; a `hold` lets the requests
    /// it holds go on.
    pub fn remove_fault(&self, id: u64) -> Result<(), AdminError> {
        let shared = &self.0;
        let removed = if id == REFUSALS_ID {
            let was = shared.refusals.left() != Some(0);
            shared.refusals.clear();
            was
        } else if shared.faults().remove(id) {
            true
        } else {
            let mut store = shared.store();
            let before = store.invalid_grant_users.len();
            store.invalid_grant_users.retain(|fault| fault.id != id);
            store.invalid_grant_users.len() != before
        };
        if removed {
            Ok(())
        } else {
            Err(AdminError::NotFound(format!("no fault {id} in force")))
        }
    }

    /// Clears every fault, releasing every held request.
    pub fn clear_faults(&self) {
        let shared = &self.0;
        shared.faults().clear();
        shared.refusals.clear();
        shared.store().invalid_grant_users.clear();
    }

    /// Every access token expires now (refresh tokens keep working); returns how many.
    pub fn expire_tokens(&self) -> usize {
        let expired = self.0.store().expire_access_tokens();
        self.0.changed();
        expired
    }

    /// Moves the sandbox's clock forward; returns its new time (Unix seconds).
    pub fn advance_clock(&self, seconds: u64) -> u64 {
        let mut store = self.0.store();
        store.advance_clock(seconds);
        let now = store.now();
        drop(store);
        self.0.changed();
        now
    }

    /// The DPoP switches in force: proofs required of every client, nonces demanded.
    pub fn dpop(&self) -> DpopSettings {
        self.0.store().dpop_settings()
    }

    /// Sets the DPoP switches (RFC 9449); tokens bound already stay bound. Not kept in the
    /// state file: a restart takes them from the configuration again.
    pub fn set_dpop(&self, settings: DpopSettings) -> DpopSettings {
        self.0.store().set_dpop_settings(settings);
        settings
    }

    /// Replaces the signing key (`src/keys.rs`); returns the new key id.
    pub fn rotate_key(&self) -> String {
        let kid = self.0.keys().rotate();
        self.0.changed();
        kid
    }
}
