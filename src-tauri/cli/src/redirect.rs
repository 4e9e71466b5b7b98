//! `--redirect`, as `grantry providers add` and `grantry link` take it, spelled as in
//! `providers.toml`.

use clap::ValueEnum;
use grantry_core::providers::RedirectKind;

#[derive(Clone, Copy, ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum RedirectArg {
    /// dev.grantry:/oauth/callback, a deep link into the running app.
    #[value(alias = "custom")]
    CustomScheme,
    /// http://127.0.0.1:{port}/callback, a listener that waits for this link's answer (RFC 8252 §7.3).
    Loopback,
}

impl From<RedirectArg> for RedirectKind {
    fn from(value: RedirectArg) -> Self {
        match value {
            RedirectArg::CustomScheme => Self::CustomScheme,
            RedirectArg::Loopback => Self::Loopback,
        }
    }
}
