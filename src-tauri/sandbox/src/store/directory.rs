//! Who is registered with the sandbox: its clients and test users, how a client proves who it
//! is, and which redirect URIs a client may use.
//!
//! Invariants: a public client never authenticates with a secret, a confidential one always
//! does, and secrets are kept as digests only ([`kept`]: the state file holds no client secret)
//! and compared in constant time. Redirect URIs match exactly, with the one
//! exception RFC 8252 §7.3 makes for loopback ports. Nothing here issues anything; removing a
//! user or a client revokes every grant they are part of first (`grants.rs`), so no token of
//! theirs works afterwards, and the grants stay listed, revoked, as every grant does.

use subtle::ConstantTimeEq;

use super::{AuthStore, MAX_CLIENTS, MAX_USERS, digest};
use crate::config::{ClientAuth, ClientConfig, TestUser};
use crate::oauth_error::OAuthError;

/// What the store keeps of a client secret, marked so that a secret never passes for its own
/// digest.
const SECRET_DIGEST: &str = "sha256:";

/// A client as the store keeps it: its secret replaced by [`SECRET_DIGEST`] and the secret's
/// digest, like every token the sandbox issues.
pub(super) fn kept(mut client: ClientConfig) -> ClientConfig {
    client.client_secret = client
        .client_secret
        .map(|secret| format!("{SECRET_DIGEST}{}", digest(&secret)));
    client
}

/// A client read back from a state file: kept already, or written before secrets were kept as
/// digests (its plain secret is digested now, and keeps working).
pub(super) fn reloaded(client: ClientConfig) -> ClientConfig {
    match &client.client_secret {
        Some(secret) if secret.starts_with(SECRET_DIGEST) => client,
        _ => kept(client),
    }
}

impl AuthStore {
    pub fn client(&self, client_id: &str) -> Option<&ClientConfig> {
        self.clients.iter().find(|c| c.client_id == client_id)
    }

    pub fn user_by_login(&self, login: &str) -> Option<&TestUser> {
        self.users.iter().find(|u| u.login == login)
    }

    pub fn user_by_sub(&self, sub: &str) -> Option<&TestUser> {
        self.users.iter().find(|u| u.sub == sub)
    }

    /// The user with this login, created on the fly when the tester typed a new one.
    pub fn user_or_create(&mut self, login: &str) -> Result<TestUser, String> {
        if let Some(user) = self.user_by_login(login) {
            return Ok(user.clone());
        }
        let user = TestUser::from_login(login);
        self.add_user(user.clone())?;
        Ok(user)
    }

    /// Adds a test user, unless the sandbox already holds [`MAX_USERS`].
    pub fn add_user(&mut self, user: TestUser) -> Result<(), String> {
        if self.users.len() >= MAX_USERS {
            return Err(format!(
                "the sandbox holds at most {MAX_USERS} test users; use an existing one"
            ));
        }
        self.users.push(user);
        Ok(())
    }

    /// Registers a client, replacing the one with its id, unless that would make more than
    /// [`MAX_CLIENTS`].
    pub fn set_client(&mut self, client: ClientConfig) -> Result<(), String> {
        let replaces = self.client(&client.client_id).is_some();
        if !replaces && self.clients.len() >= MAX_CLIENTS {
            return Err(format!(
                "the sandbox holds at most {MAX_CLIENTS} clients; replace one (same client_id)"
            ));
        }
        self.clients.retain(|c| c.client_id != client.client_id);
        self.clients.push(kept(client));
        Ok(())
    }

    /// Replaces a registered client as it is kept (its secret digest and grants untouched).
    pub fn replace_client(&mut self, client: ClientConfig) {
        if let Some(kept) = self
            .clients
            .iter_mut()
            .find(|c| c.client_id == client.client_id)
        {
            *kept = client;
        }
    }

    /// Removes the test user with this login: every grant the user gave is revoked (its tokens
    /// stop working) and any `invalid_grant` fault for the user is dropped. Returns how many
    /// grants were live, or `None` if there is no such user.
    pub fn remove_user(&mut self, login: &str) -> Option<usize> {
        let sub = self.user_by_login(login)?.sub.clone();
        let live: Vec<u64> = self
            .grants()
            .into_iter()
            .filter(|g| g.sub == sub && g.revoked.is_none())
            .map(|g| g.id)
            .collect();
        for id in &live {
            self.revoke_grant(*id, "the test user was removed from the sandbox");
        }
        self.invalid_grant_users.retain(|fault| fault.sub != sub);
        self.users.retain(|u| u.login != login);
        Some(live.len())
    }

    /// Removes the client with this id: every grant made to it is revoked first. Returns how
    /// many grants were live, or `None` if there is no such client.
    pub fn remove_client(&mut self, client_id: &str) -> Option<usize> {
        self.client(client_id)?;
        let live: Vec<u64> = self
            .grants()
            .into_iter()
            .filter(|g| g.client_id == client_id && g.revoked.is_none())
            .map(|g| g.id)
            .collect();
        for id in &live {
            self.revoke_grant(*id, "the client was removed from the sandbox");
        }
        self.clients.retain(|c| c.client_id != client_id);
        Some(live.len())
    }

    /// Checks a client's credentials as the token, revocation and introspection endpoints
    /// receive them. `secret` is `None` when the client sent none.
    pub fn authenticate(&self, client_id: &str, secret: Option<&str>) -> Result<(), OAuthError> {
        let client = self
            .client(client_id)
            .ok_or_else(|| OAuthError::invalid_client(format!("unknown client {client_id:?}")))?;
        match (client.auth, secret, client.client_secret.as_deref()) {
            (ClientAuth::None, None, _) => Ok(()),
            (ClientAuth::None, Some(_), _) => Err(OAuthError::invalid_client(
                "this is a public client: it must not send a client secret",
            )),
            (ClientAuth::Secret, None, _) => Err(OAuthError::invalid_client(
                "client authentication is required",
            )),
            (ClientAuth::Secret, Some(sent), Some(expected))
                if bool::from(
                    format!("{SECRET_DIGEST}{}", digest(sent))
                        .as_bytes()
                        .ct_eq(expected.as_bytes()),
                ) =>
            {
                Ok(())
            }
            (ClientAuth::Secret, Some(_), _) => {
                Err(OAuthError::invalid_client("client authentication failed"))
            }
            (ClientAuth::PrivateKeyJwt, _, _) => Err(OAuthError::invalid_client(format!(
                "client {client_id:?} authenticates with private_key_jwt: send client_assertion \
                 and client_assertion_type={}",
                crate::client_assertion::JWT_BEARER
            ))),
        }
    }
}

/// Whether `requested` is allowed by a registered redirect URI: exact match, except that
/// loopback IP literals over http may use any port (RFC 8252 §7.3).
pub fn redirect_matches(registered: &str, requested: &str) -> bool {
    if registered == requested {
        return true;
    }
    let (Ok(reg), Ok(req)) = (url::Url::parse(registered), url::Url::parse(requested)) else {
        return false;
    };
    let loopback = |u: &url::Url| {
        u.scheme() == "http" && matches!(u.host_str(), Some("127.0.0.1") | Some("[::1]"))
    };
    loopback(&reg)
        && loopback(&req)
        && reg.host_str() == req.host_str()
        && reg.path() == req.path()
        && reg.query() == req.query()
        && req.fragment().is_none()
        && req.username().is_empty()
        && req.password().is_none()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::SandboxConfig;
    use crate::store::SavedKeys;

    #[test]
    fn users_and_clients_are_capped_with_a_clear_error() {
        let mut store = AuthStore::new(&SandboxConfig::default());
        for n in store.users.len()..MAX_USERS {
            store.user_or_create(&format!("u{n}")).expect("room");
        }
        let full = store.user_or_create("one-more").expect_err("full");
        assert!(full.contains("at most 1000 test users"), "{full}");
        assert!(
            store.user_or_create("alice").is_ok(),
            "existing users still sign in"
        );

        let client = |id: String| ClientConfig {
            client_id: id,
            client_secret: None,
            name: "x".into(),
            auth: ClientAuth::None,
            redirect_uris: vec!["com.example:/cb".into()],
            expiring_tokens: true,
            jwks: None,
            dpop_bound_access_tokens: false,
        };
        for n in store.clients.len()..MAX_CLIENTS {
            store.set_client(client(format!("c{n}"))).expect("room");
        }
        let full = store
            .set_client(client("one-more".into()))
            .expect_err("full");
        assert!(full.contains("at most 100 clients"), "{full}");
        assert!(
            store.set_client(client("c50".into())).is_ok(),
            "replacing is fine"
        );
    }

    #[test]
    fn client_secrets_are_kept_as_digests_and_still_authenticate() {
        let mut store = AuthStore::new(&SandboxConfig::default());
        let secret = "a-secret-typed-by-a-tester";
        store
            .set_client(ClientConfig {
                client_id: "qa".into(),
                client_secret: Some(secret.into()),
                name: "QA".into(),
                auth: ClientAuth::Secret,
                redirect_uris: vec!["com.example:/cb".into()],
                expiring_tokens: true,
                jwks: None,
                dpop_bound_access_tokens: false,
            })
            .expect("registered");
        let keys = SavedKeys {
            current: vec![1; 32],
            previous: None,
        };
        let saved = String::from_utf8(store.snapshot(&keys).expect("snapshot")).expect("utf-8");
        assert!(
            !saved.contains(secret),
            "the state holds no secret: {saved}"
        );
        assert!(store.authenticate("qa", Some(secret)).is_ok());
        assert!(store.authenticate("qa", Some("a-guess")).is_err());
        // Nor does its digest pass for the secret.
        let kept = store.client("qa").and_then(|c| c.client_secret.clone());
        assert!(store.authenticate("qa", kept.as_deref()).is_err());

        // A state file written before digests: its plain secret still works, and is digested.
        let old = saved.replace(kept.as_deref().expect("kept"), secret);
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("sandbox.json");
        std::fs::write(&path, old).expect("write");
        let mut loaded = AuthStore::new(&SandboxConfig::default());
        loaded.load(&path).expect("load").expect("state");
        assert!(loaded.authenticate("qa", Some(secret)).is_ok());
        let resaved = loaded.snapshot(&keys).expect("snapshot");
        assert!(!String::from_utf8_lossy(&resaved).contains(secret));
    }

    #[test]
    fn loopback_redirects_match_any_port_and_nothing_else_does() {
        let reg = "http://127.0.0.1/callback";
        assert!(redirect_matches(reg, "http://127.0.0.1:49152/callback"));
        assert!(redirect_matches(reg, reg));
        assert!(!redirect_matches(reg, "http://127.0.0.1:49152/other"));
        assert!(!redirect_matches(reg, "http://localhost:49152/callback"));
        assert!(!redirect_matches(reg, "https://127.0.0.1:49152/callback"));
        assert!(!redirect_matches(reg, "http://127.0.0.1:1/callback#x"));
        let custom = "dev.grantry:/oauth/callback";
        assert!(redirect_matches(custom, custom));
        assert!(!redirect_matches(custom, "dev.grantry:/oauth/callback/"));
        assert!(!redirect_matches(custom, "dev.grantry:/oauth/callback?x=1"));
        assert!(!redirect_matches(
            "https://a.example/cb",
            "https://a.example:444/cb"
        ));
    }
}
