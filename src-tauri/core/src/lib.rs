//! Grantry's engine: everything the app and the command line share, with no Tauri or WebKit
//! dependency. Layers point one way, each using only those below it:
//! - `engine`: the orchestration, the facade the app and the command line call ([`Grantry`]);
//! - `dialects`: the requests a preset makes of its own (Google's `tokeninfo`, Facebook's
//!   permissions and long-lived token exchange, GitLab's token info);
//! - `oauth`: the protocol (RFC 6749, RFC 7636, RFC 7009, RFC 7662, OpenID Connect), beside the
//!   storage (`store`, `secret_store`);
//! - `model`, `events`: the shared types the screens and the events carry;
//! - `providers`: the provider configuration as plain data (environments, redirects, client
//!   authentication, the presets Grantry knows by name);
//! - `error`, `secret`, `redact`, `clock`, `paths`, `scope_catalog`.
//!
//! `scripts/module-graph src-tauri/core/src` prints the imports and finds any cycle. Beside the
//! layers: where log lines go (`logging`, set up by the app and the command line) and the
//! fuzzing harnesses (`fuzz`, run by `fuzz/` and replayed by `tests/fuzz_corpus.rs`).

pub mod clock;
pub mod dialects;
pub mod engine;
pub mod error;
pub mod events;
/// Fuzzing harnesses for the parsers that face untrusted input, shared by the cargo-fuzz
/// targets in `fuzz/` and the corpus replay in `tests/fuzz_corpus.rs`.
pub mod fuzz;
pub mod logging;
pub mod model;
pub mod notices;
pub mod oauth;
pub mod paths;
pub mod providers;
pub mod redact;
pub mod scheme_handler;
pub mod scope_catalog;
pub mod secret;
pub mod secret_store;
pub mod settings;
pub mod store;
pub mod test_users;

pub use clock::now;
pub use engine::{
    BreakCause, Exchanged, Grantry, HandedOut, Handover, LINK_BURST, Link, MAX_MIN_VALID, Mend,
    Options, Received, RefreshLimits, RefreshPolicy, RefreshProgress, Repair, RevokeProgress,
    TokenUse,
};
pub use error::{Error, ErrorCode, IpcError};
pub use events::{EVENT_CHANNEL, EventSink, GrantryEvent};
pub use model::{
    AccountDetail, AccountScope, AccountStatus, AccountSummary, ActivityEntry, ActivityKind,
    ClientJwks, DeviceLinkView, DeviceOffer, Discovered, EnvironmentOption, EnvironmentView,
    ExchangeRequest, ExchangeResult, FailingRefresh, GrantEnd, GrantEndSource, HttpExchange,
    Inspection, LinkStatus, PresetView, ProgramAccess, ProviderCheck, ProviderOption, ProviderView,
    QrMatrix, RefreshAllOutcome, RefreshFailure, RelinkOnSave, RemoveAccounts, RevocationOutcome,
    RevocationProof, RevocationReceipt, RevokeAllAccount, RevokeAllOutcome, RevokeAllScope,
    SandboxStatus, ScopeChange, ScopeCheck, ScopeOption, ScopeStatus, StartedLink, SubjectToken,
    TokenAnswer, TokenInfo, TokenRequest, TokenShape,
};
pub use oauth::http::use_ring_for_tls;
pub use providers::URL_SCHEME;
