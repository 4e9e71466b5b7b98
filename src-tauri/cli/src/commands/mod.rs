//! The commands of `grantry`, one module each. Every module owns its command-line arguments
//! (a clap `Args` struct) and a `run` function (`token.rs`: one for each of `token`, `header`
//! and `exec`); `main.rs` lists them and hands each its arguments.

pub mod accounts;
pub mod completions;
pub mod device;
pub mod exchange;
pub mod export;
pub mod forget;
pub mod history;
pub mod http_log;
pub mod link;
pub mod man;
pub mod providers;
pub mod refresh;
pub mod repair;
pub mod revoke;
pub mod sandbox;
pub mod scopes;
pub mod token;
