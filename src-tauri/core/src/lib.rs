//! Grantry's engine: everything the app and the command line share, with no Tauri or WebKit
//! dependency, so that it builds and tests fast and runs headless.
//!
//! The front door is [`Grantry`]: it opens the data folder (SQLite database with versioned
//! migrations) and answers the questions the screens ask. Secrets never pass through it into
//! the database: they belong to [`secret::SecretStore`], backed by the OS keyring.

pub mod deep_link;
pub mod error;
pub mod model;
pub mod paths;
pub mod provider;
pub mod scheme_handler;
pub mod secret;
pub mod store;

use std::path::Path;

pub use error::{Error, ErrorCode, IpcError};
pub use model::{AccountSummary, ActivityEntry, ActivityKind, SandboxStatus};

use crate::deep_link::IncomingLink;
use crate::store::Store;

/// The URL scheme the provider redirects to (`dev.grantry:/oauth/callback`).
pub const URL_SCHEME: &str = "dev.grantry";

/// File name of the database inside the data folder.
pub const DATABASE_FILE: &str = "grantry.sqlite3";

/// One open data folder: the database, and later the providers and the keyring.
pub struct Grantry {
    store: Store,
}

impl Grantry {
    /// Opens (or creates) the data folder and its database, migrating it to the current schema.
    /// A database written by a newer Grantry is refused, never touched.
    pub fn open(data_dir: &Path) -> Result<Self, Error> {
        std::fs::create_dir_all(data_dir).map_err(|source| Error::DataDir {
            path: data_dir.to_path_buf(),
            source,
        })?;
        let store = Store::open(&data_dir.join(DATABASE_FILE))?;
        Ok(Self { store })
    }

    /// Every linked account, grouped by provider, for the Accounts screen. Reads metadata only:
    /// it never touches the keyring.
    pub fn accounts(&self) -> Result<Vec<AccountSummary>, Error> {
        self.store.accounts()
    }

    /// The most recent activity first, at most `limit` entries.
    pub fn activity(&self, limit: u32) -> Result<Vec<ActivityEntry>, Error> {
        self.store.activity(limit)
    }

    /// Takes in a URL handed to the app by the OS (a deep link), which any web page can
    /// trigger: it is validated, recorded in the activity history in redacted form, and
    /// returned as what the UI may show. A rejected URL is recorded too.
    pub fn receive_deep_link(&self, raw: &str, now: i64) -> Result<ActivityEntry, Error> {
        let entry = match IncomingLink::parse(raw) {
            Ok(link) => (ActivityKind::DeepLinkReceived, link.redacted().to_owned()),
            Err(reason) => (ActivityKind::DeepLinkRejected, reason.to_string()),
        };
        self.store.record_activity(now, entry.0, &entry.1)
    }

    /// Records something that happened, for the activity history. `detail` must hold no secret.
    pub fn record(
        &self,
        kind: ActivityKind,
        detail: &str,
        now: i64,
    ) -> Result<ActivityEntry, Error> {
        self.store.record_activity(now, kind, detail)
    }
}
