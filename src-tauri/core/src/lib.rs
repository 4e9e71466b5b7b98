//! Grantry's engine: everything the app and the command line share, with no Tauri or WebKit
//! dependency. Layers point one way: the orchestration (`engine`) uses the protocol (`oauth`)
//! and the storage (`store`, `secret_store`, `providers`), which use the shared types below
//! them (`model`, `events`, `error`, `secret`, `redact`, `clock`). Beside them: where log
//! lines go (`logging`, set up by the app and the command line) and the fuzzing harnesses
//! (`fuzz`, run by `fuzz/` and replayed by `tests/fuzz_corpus.rs`).

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
    BreakCause, Grantry, HandedOut, LINK_BURST, Link, MAX_MIN_VALID, Mend, Options, Received,
    RefreshLimits, RefreshPolicy, RefreshProgress, Repair, RevokeProgress, TokenUse,
};
pub use error::{Error, ErrorCode, IpcError};
pub use events::{EVENT_CHANNEL, EventSink, GrantryEvent};
pub use model::{
    AccountDetail, AccountScope, AccountStatus, AccountSummary, ActivityEntry, ActivityKind,
    Discovered, EnvironmentOption, EnvironmentView, FailingRefresh, GrantEnd, GrantEndSource,
    HttpExchange, Inspection, LinkStatus, PresetView, ProgramAccess, ProviderCheck, ProviderOption,
    ProviderView, RefreshAllOutcome, RefreshFailure, RelinkOnSave, RemoveAccounts,
    RevocationOutcome, RevocationProof, RevocationReceipt, RevokeAllAccount, RevokeAllOutcome,
    RevokeAllScope, SandboxStatus, ScopeChange, ScopeCheck, ScopeOption, ScopeStatus, StartedLink,
    TokenAnswer, TokenInfo, TokenRequest, TokenShape,
};
pub use oauth::http::use_ring_for_tls;
pub use providers::URL_SCHEME;
