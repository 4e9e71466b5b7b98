//! The data the screens show, as plain serialisable types. TypeScript twins of these types are
//! generated into `ui/src/lib/bindings/` (see `tests/bindings.rs`); none of them may ever hold a
//! secret.
//!
//! One file per part of the app: `account` (the Accounts list and an account's detail), `scope`,
//! `activity` (the history and the HTTP log), `programs` (the token service), `link`,
//! `device_link` (a device code link under way), `provider` (the Providers and Sandbox screens),
//! `inspect`, `exchange` (a token exchange), `revocation`, `batch` (Refresh all
//! and Revoke all) and `grant` (when a grant ends); every type is re-exported here.

mod account;
mod activity;
mod batch;
mod device_link;
mod exchange;
mod grant;
mod inspect;
mod link;
mod programs;
mod provider;
mod revocation;
mod scope;

pub use account::*;
pub use activity::*;
pub use batch::*;
pub use device_link::*;
pub use exchange::*;
pub use grant::*;
pub use inspect::*;
pub use link::*;
pub use programs::*;
pub use provider::*;
pub use revocation::*;
pub use scope::*;
