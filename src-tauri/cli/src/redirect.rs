//! `--redirect`, as `grantry providers add` and `grantry link` take it, spelled as in
//! `providers.toml` (the strategies are described in the core's `providers/redirect.rs`).

use clap::ValueEnum;
use grantry_core::providers::RedirectKind;

#[derive(Clone, Copy, ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum RedirectArg {
    /// dev.grantry:/oauth/callback, a deep link into the running app.
    #[value(alias = "custom")]
    CustomScheme,
    /// The provider's own private-use scheme (its redirect_uri), such as Google's reversed
    /// client id.
    ProviderScheme,
    /// http://127.0.0.1:{port}/callback, a listener that waits for this link's answer (RFC 8252 §7.3).
    Loopback,
    /// An https bridge page (its redirect_uri) that hands the answer on to dev.grantry:.
    Bridge,
    /// No redirect: a code entered at the provider's page (the device grant, RFC 8628).
    Device,
}

impl From<RedirectArg> for RedirectKind {
    fn from(value: RedirectArg) -> Self {
        match value {
            RedirectArg::CustomScheme => Self::CustomScheme,
            RedirectArg::ProviderScheme => Self::ProviderScheme,
            RedirectArg::Loopback => Self::Loopback,
            RedirectArg::Bridge => Self::Bridge,
            RedirectArg::Device => Self::Device,
        }
    }
}
