//! The built-in Grantry Sandbox provider: always listed first, reserved in the providers file,
//! pointing at the sandbox the app runs on loopback, so that a fresh install links accounts
//! without any provider credentials. It is plain http on 127.0.0.1 without anyone opting in,
//! and refreshed in the background: it is offered only while the sandbox this process runs
//! and checked is up (`Providers::set_sandbox`), never for a port alone.

use super::config::{Environment, Provider, ProviderId};

/// Id of the built-in sandbox provider (reserved in the providers file).
pub const SANDBOX_ID: &str = "sandbox";

/// The issuer of the built-in sandbox on `port`: the URL the sandbox computes for itself
/// (`src-tauri/sandbox/src/lib.rs`, `Sandbox::start`), and the one its proof covers.
pub fn sandbox_issuer(port: u16) -> String {
    format!("http://127.0.0.1:{port}")
}

/// The built-in Grantry Sandbox provider, at the port the app runs it on.
pub fn sandbox_provider(port: u16) -> Provider {
    Provider {
        id: ProviderId(SANDBOX_ID.to_owned()),
        name: "Grantry Sandbox".to_owned(),
        preset: None,
        allow_plain_http_loopback: true,
        refresh_plain_http_in_background: true,
        environments: vec![Environment {
            scopes: ["openid", "profile", "email", "offline_access"]
                .map(str::to_owned)
                .to_vec(),
            ..Environment::discovered("local", &sandbox_issuer(port), "grantry-desktop")
        }],
    }
    .stamped()
}
