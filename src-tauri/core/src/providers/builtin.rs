//! The built-in Grantry Sandbox provider: always listed first, reserved in the providers file,
//! pointing at the sandbox the app runs on loopback, so that a fresh install links accounts
//! without any provider credentials.

use std::collections::BTreeMap;

use super::config::{ClientAuth, Environment, Provider, ProviderId, RedirectKind, Revocation};

/// Id of the built-in sandbox provider (reserved in the providers file).
pub const SANDBOX_ID: &str = "sandbox";

/// The built-in Grantry Sandbox provider, at the port the app runs it on.
pub fn sandbox_provider(port: u16) -> Provider {
    Provider {
        id: ProviderId(SANDBOX_ID.to_owned()),
        name: "Grantry Sandbox".to_owned(),
        environments: vec![Environment {
            name: "local".to_owned(),
            issuer: Some(format!("http://127.0.0.1:{port}")),
            authorization_endpoint: None,
            token_endpoint: None,
            userinfo_endpoint: None,
            revocation_endpoint: None,
            introspection_endpoint: None,
            jwks_uri: None,
            client_id: "grantry-desktop".to_owned(),
            client_auth: ClientAuth::None,
            redirect: RedirectKind::CustomScheme,
            scopes: ["openid", "profile", "email", "offline_access"]
                .map(str::to_owned)
                .to_vec(),
            extra_params: BTreeMap::new(),
            revocation: Revocation::Rfc7009,
        }],
    }
}
