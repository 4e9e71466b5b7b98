//! The token service on the session bus, for programs: the running app owns
//! `dev.grantry.Tokens` and serves `dev.grantry.Tokens1` at `/dev/grantry/Tokens`:
//!
//! - `ListAccounts() → a(xsssas)`: each account's id, label, provider, status and granted
//!   scopes; no secret.
//! - `GetAccessToken(s account, u min_valid_seconds) → (s token, x expires_at)`: the account
//!   named by id, email or name, its token valid for at least that long (refreshed first if
//!   need be, `grantry_core::engine::hand_out`); `expires_at` is 0 for a token without expiry.
//! - `GetToken(s account, u min_valid_seconds) → (s token, s token_type, x expires_at)`: the
//!   same with the token's type, `Bearer` or `DPoP`: a DPoP token (RFC 9449) is bound to the
//!   account's key, which stays in Grantry, so a program can use it only if it can sign proofs
//!   with that key; `GetAccessToken` refuses such a token rather than hand out one the caller
//!   would take for a bearer token.
//!
//! The program asking is named by its executable, read from `/proc/PID/exe` of the bus peer's
//! process (the bus daemon's `GetConnectionUnixProcessID`). The first time a program asks for
//! an account, the person is asked: in the window (raised, or made again), or, with the window
//! closed, in a notification with actions. Allow once, Always allow (remembered per account and
//! executable, `grantry_core::engine::programs`) or Deny; no answer within a minute is a
//! refusal too. Errors are `dev.grantry.Error.*`: `Denied`, `Timeout`, `UnknownAccount`,
//! `NeedsRelink`, `Revoked`, `Unreachable`, `Failed`.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use grantry_core::secret::TokenType;
use grantry_core::{
    AccountStatus, ErrorCode, Grantry, IpcError, ScopeStatus, TokenAnswer, TokenRequest,
};
use tauri::{AppHandle, Emitter, Manager};

use crate::main_window;

pub const BUS_NAME: &str = "dev.grantry.Tokens";
pub const OBJECT_PATH: &str = "/dev/grantry/Tokens";
/// The Tauri event that shows a request in the window; its payload is the [`TokenRequest`].
pub const REQUEST_EVENT: &str = "token_request";
/// How long the person has to answer: a minute. Debug builds take another number of seconds
/// from `GRANTRY_TEST_ANSWER_SECONDS`, so that the tests see a request time out.
fn answer_within() -> Duration {
    let for_tests = cfg!(debug_assertions)
        .then(|| {
            std::env::var("GRANTRY_TEST_ANSWER_SECONDS")
                .ok()?
                .parse()
                .ok()
        })
        .flatten();
    Duration::from_secs(for_tests.unwrap_or(60))
}

#[derive(Debug, zbus::DBusError)]
#[zbus(prefix = "dev.grantry.Error")]
pub enum TokensError {
    #[zbus(error)]
    ZBus(zbus::Error),
    Denied(String),
    Timeout(String),
    UnknownAccount(String),
    NeedsRelink(String),
    Revoked(String),
    Unreachable(String),
    Failed(String),
}

impl From<grantry_core::Error> for TokensError {
    fn from(error: grantry_core::Error) -> Self {
        let error = IpcError::from(error);
        match error.code {
            ErrorCode::UnknownAccount => TokensError::UnknownAccount(error.message),
            ErrorCode::NeedsRelink => TokensError::NeedsRelink(error.message),
            ErrorCode::Revoked => TokensError::Revoked(error.message),
            ErrorCode::ProviderUnreachable => TokensError::Unreachable(error.message),
            _ => TokensError::Failed(error.message),
        }
    }
}

/// At most this many requests wait for the person at once; more are refused, so that no
/// program can bury the person under prompts.
const MAX_WAITING: usize = 8;

/// The requests waiting for the person's answer: one per program and account at a time.
#[derive(Default)]
pub struct TokenRequests {
    next: AtomicU64,
    waiting: Mutex<HashMap<u64, (TokenRequest, mpsc::Sender<TokenAnswer>)>>,
}

impl TokenRequests {
    /// Adds `request` to those waiting, unless the same program already waits for the same
    /// account, or [`MAX_WAITING`] wait.
    fn add(
        &self,
        mut request: TokenRequest,
    ) -> Result<(TokenRequest, mpsc::Receiver<TokenAnswer>), TokensError> {
        let mut waiting = self
            .waiting
            .lock()
            .map_err(|_| TokensError::Failed("the requests cannot be read".into()))?;
        let same = |(r, _): &(TokenRequest, _)| {
            r.account == request.account && r.executable == request.executable
        };
        if waiting.values().any(same) {
            return Err(TokensError::Denied(format!(
                "{} already waits for an answer about {}",
                request.executable, request.account_label
            )));
        }
        if waiting.len() >= MAX_WAITING {
            return Err(TokensError::Denied(format!(
                "{MAX_WAITING} requests already wait for an answer; ask again later"
            )));
        }
        request.id = self.next.fetch_add(1, Ordering::Relaxed) + 1;
        let (answer, answered) = mpsc::channel();
        waiting.insert(request.id, (request.clone(), answer));
        Ok((request, answered))
    }

    fn forget(&self, id: u64) {
        if let Ok(mut waiting) = self.waiting.lock() {
            waiting.remove(&id);
        }
    }

    /// Answers request `id`; whether it was still waiting.
    pub fn answer(&self, id: u64, answer: TokenAnswer) -> bool {
        let found = self.waiting.lock().ok().and_then(|mut w| w.remove(&id));
        found.is_some_and(|(_, sender)| sender.send(answer).is_ok())
    }

    /// The requests still waiting, oldest first.
    pub fn waiting(&self) -> Vec<TokenRequest> {
        let mut all: Vec<TokenRequest> = self
            .waiting
            .lock()
            .map(|w| w.values().map(|(r, _)| r.clone()).collect())
            .unwrap_or_default();
        all.sort_by_key(|r| r.id);
        all
    }
}

/// The requests waiting for an answer, for a window that opens while they wait.
#[tauri::command]
pub fn pending_token_requests(requests: tauri::State<'_, Arc<TokenRequests>>) -> Vec<TokenRequest> {
    requests.waiting()
}

/// The person's answer to request `id`.
#[tauri::command]
pub fn answer_token_request(
    requests: tauri::State<'_, Arc<TokenRequests>>,
    id: u64,
    answer: TokenAnswer,
) -> bool {
    requests.answer(id, answer)
}

struct Tokens {
    app: AppHandle,
    grantry: Arc<Grantry>,
    requests: Arc<TokenRequests>,
}

#[zbus::interface(name = "dev.grantry.Tokens1")]
impl Tokens {
    /// Every account: id, label, provider, status, granted scopes.
    async fn list_accounts(
        &self,
    ) -> Result<Vec<(i64, String, String, String, Vec<String>)>, TokensError> {
        let accounts = self.grantry.accounts()?;
        Ok(accounts
            .into_iter()
            .map(|account| {
                let scopes = self
                    .grantry
                    .scopes(account.id)
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|s| s.status == ScopeStatus::Granted)
                    .map(|s| s.scope)
                    .collect();
                let status = match account.status {
                    AccountStatus::Valid => "valid",
                    AccountStatus::NeedsRelink => "needs_relink",
                    AccountStatus::RevocationPending => "revocation_pending",
                    AccountStatus::RevocationNotEffective => "revocation_not_effective",
                };
                (
                    account.id,
                    account.label().to_owned(),
                    account.provider.clone(),
                    status.to_owned(),
                    scopes,
                )
            })
            .collect())
    }

    /// The account's access token, valid for at least `min_valid_seconds`, and when it expires
    /// (Unix seconds; 0: no expiry).
    async fn get_access_token(
        &self,
        #[zbus(header)] header: zbus::message::Header<'_>,
        #[zbus(connection)] connection: &zbus::Connection,
        account: String,
        min_valid_seconds: u32,
    ) -> Result<(String, i64), TokensError> {
        let (executable, pid) = asker(&header, connection).await?;
        // The core runs on the app's (Tokio) runtime, not on the bus connection's executor.
        let served = Served {
            app: self.app.clone(),
            grantry: self.grantry.clone(),
            requests: self.requests.clone(),
        };
        let asked = served.token(executable, pid, account, min_valid_seconds, false);
        let (token, _, expires_at) = tauri::async_runtime::spawn(asked)
            .await
            .map_err(|e| TokensError::Failed(format!("the request was dropped: {e}")))??;
        Ok((token, expires_at))
    }

    /// The account's access token with its type (`Bearer` or `DPoP`), valid for at least
    /// `min_valid_seconds`, and when it expires (Unix seconds; 0: no expiry).
    async fn get_token(
        &self,
        #[zbus(header)] header: zbus::message::Header<'_>,
        #[zbus(connection)] connection: &zbus::Connection,
        account: String,
        min_valid_seconds: u32,
    ) -> Result<(String, String, i64), TokensError> {
        let (executable, pid) = asker(&header, connection).await?;
        let served = Served {
            app: self.app.clone(),
            grantry: self.grantry.clone(),
            requests: self.requests.clone(),
        };
        let asked = served.token(executable, pid, account, min_valid_seconds, true);
        let (token, token_type, expires_at) = tauri::async_runtime::spawn(asked)
            .await
            .map_err(|e| TokensError::Failed(format!("the request was dropped: {e}")))??;
        Ok((token, token_type.to_owned(), expires_at))
    }
}

/// What serving a request needs, owned, to run on the app's runtime.
struct Served {
    app: AppHandle,
    grantry: Arc<Grantry>,
    requests: Arc<TokenRequests>,
}

impl Served {
    async fn token(
        self,
        executable: String,
        pid: u32,
        account: String,
        min_valid_seconds: u32,
        typed: bool,
    ) -> Result<(String, &'static str, i64), TokensError> {
        let found = self.grantry.find_account(&account)?;
        // A caller that cannot learn the type would take a DPoP token for a bearer token.
        if !typed && self.grantry.token_type(found.id)? == TokenType::Dpop {
            return Err(TokensError::Failed(format!(
                "{} has a DPoP token (RFC 9449), bound to a key that stays in Grantry: ask with \
                 GetToken, which says the token's type",
                found.label()
            )));
        }
        // Nothing to hand out: say so without asking the person for nothing.
        match found.status {
            AccountStatus::NeedsRelink => {
                return Err(TokensError::NeedsRelink(format!(
                    "{} needs to be linked again",
                    found.label()
                )));
            }
            AccountStatus::RevocationPending | AccountStatus::RevocationNotEffective => {
                return Err(TokensError::Revoked(format!(
                    "{} is being revoked",
                    found.label()
                )));
            }
            AccountStatus::Valid => {}
        }
        let program = format!("{executable} (pid {pid})");
        if !self.grantry.program_allowed(found.id, &executable)? {
            let request = TokenRequest {
                id: 0,
                account: found.id,
                account_label: found.label().to_owned(),
                provider: provider_name(&self.grantry, &found.provider),
                executable: executable.clone(),
                pid,
            };
            match self.ask(request).await? {
                Some(TokenAnswer::AllowOnce) => {}
                Some(TokenAnswer::AlwaysAllow) => {
                    self.grantry.allow_program(found.id, &executable)?;
                }
                Some(TokenAnswer::Deny) => {
                    self.grantry
                        .token_refused(found.id, &program, "the person said no")?;
                    return Err(TokensError::Denied(format!(
                        "the access to {} was denied",
                        found.label()
                    )));
                }
                None => {
                    self.grantry
                        .token_refused(found.id, &program, "nobody answered in time")?;
                    return Err(TokensError::Timeout(format!(
                        "nobody answered within {} s",
                        answer_within().as_secs()
                    )));
                }
            }
        }
        let handed = self
            .grantry
            .hand_out(found.id, i64::from(min_valid_seconds), &program)
            .await?;
        self.grantry.program_used(found.id, &executable)?;
        Ok((
            handed.access_token.expose().clone(),
            handed.token_type,
            handed.expires_at.unwrap_or(0),
        ))
    }
}

impl Served {
    /// Asks the person about `request`: in the window if it is open, else in a notification.
    /// `None` when nobody answered in time ([`answer_within`]).
    async fn ask(&self, request: TokenRequest) -> Result<Option<TokenAnswer>, TokensError> {
        let (request, answered) = self.requests.add(request)?;
        if self.app.get_webview_window(main_window::LABEL).is_some() {
            main_window::show(&self.app);
            let _ = self.app.emit(REQUEST_EVENT, request.clone());
        } else {
            notify(&self.app, &request, &self.requests);
        }
        let id = request.id;
        let within = answer_within();
        let answer =
            tauri::async_runtime::spawn_blocking(move || answered.recv_timeout(within).ok())
                .await
                .ok()
                .flatten();
        self.requests.forget(id);
        // The window stops showing it, whoever answered.
        let _ = self
            .app
            .emit(REQUEST_EVENT, serde_json::json!({"answered": id}));
        Ok(answer)
    }
}

/// The executable and process id of the program that sent the call.
async fn asker(
    header: &zbus::message::Header<'_>,
    connection: &zbus::Connection,
) -> Result<(String, u32), TokensError> {
    let sender = header
        .sender()
        .ok_or_else(|| TokensError::Denied("the call names no sender".into()))?;
    let bus = zbus::fdo::DBusProxy::new(connection).await?;
    let pid = bus
        .get_connection_unix_process_id(sender.clone().into())
        .await
        .map_err(|e| TokensError::Denied(format!("cannot tell which program asks: {e}")))?;
    let executable = std::fs::read_link(format!("/proc/{pid}/exe")).map_err(|e| {
        TokensError::Denied(format!("cannot tell which program process {pid} runs: {e}"))
    })?;
    Ok((executable.display().to_string(), pid))
}

fn provider_name(grantry: &Grantry, provider: &str) -> String {
    grantry
        .provider_options()
        .into_iter()
        .find(|p| p.id == provider)
        .map_or_else(|| provider.to_owned(), |p| p.name)
}

/// Asks in a desktop notification with an action per answer; a click answers.
#[cfg(all(unix, not(target_os = "macos")))]
fn notify(app: &AppHandle, request: &TokenRequest, requests: &Arc<TokenRequests>) {
    let (app, request, requests) = (app.clone(), request.clone(), requests.clone());
    std::thread::spawn(move || {
        let shown = notify_rust::Notification::new()
            .appname("Grantry")
            .summary("A program asks for an access token")
            .body(&format!(
                "{} asks for {}'s access token at {}.",
                request.executable, request.account_label, request.provider
            ))
            .action("allow_once", "Allow once")
            .action("always_allow", "Always allow")
            .action("deny", "Deny")
            .action("default", "Open Grantry")
            .timeout(notify_rust::Timeout::Milliseconds(60_000))
            .show();
        let Ok(handle) = shown else {
            // Nobody to ask here: the window is the only place left.
            main_window::show(&app);
            return;
        };
        handle.wait_for_action(|action| {
            let answer = match action {
                "allow_once" => TokenAnswer::AllowOnce,
                "always_allow" => TokenAnswer::AlwaysAllow,
                "deny" => TokenAnswer::Deny,
                "default" => {
                    main_window::show(&app);
                    return;
                }
                _ => return,
            };
            requests.answer(request.id, answer);
        });
    });
}

#[cfg(not(all(unix, not(target_os = "macos"))))]
fn notify(app: &AppHandle, _request: &TokenRequest, _requests: &Arc<TokenRequests>) {
    main_window::show(app);
}

/// Serves the token service on the session bus for as long as the app runs.
pub fn start(app: &AppHandle, grantry: Arc<Grantry>, requests: Arc<TokenRequests>) {
    let tokens = Tokens {
        app: app.clone(),
        grantry,
        requests,
    };
    tauri::async_runtime::spawn(async move {
        let served = async {
            zbus::connection::Builder::session()?
                .name(BUS_NAME)?
                .serve_at(OBJECT_PATH, tokens)?
                .build()
                .await
        };
        match served.await {
            Ok(connection) => {
                tracing::info!("the token service is on the session bus as {BUS_NAME}");
                // Held for as long as the app runs.
                std::future::pending::<()>().await;
                drop(connection);
            }
            Err(error) => tracing::warn!("the token service could not start: {error}"),
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(account: i64, executable: &str) -> TokenRequest {
        TokenRequest {
            id: 0,
            account,
            account_label: format!("account {account}"),
            provider: "Grantry Sandbox".into(),
            executable: executable.into(),
            pid: 42,
        }
    }

    #[test]
    fn one_request_per_program_and_account_waits_and_no_more_than_a_few_in_all() {
        let requests = TokenRequests::default();
        let (first, answered) = requests.add(request(1, "/usr/bin/a")).expect("added");
        let again = requests.add(request(1, "/usr/bin/a"));
        assert!(matches!(again, Err(TokensError::Denied(_))), "{again:?}");
        for n in 2..=MAX_WAITING as i64 {
            requests.add(request(n, "/usr/bin/a")).expect("room");
        }
        let full = requests.add(request(99, "/usr/bin/b"));
        assert!(matches!(full, Err(TokensError::Denied(_))), "{full:?}");
        assert_eq!(requests.waiting().len(), MAX_WAITING);

        // Answered, it leaves room, and its asker gets the answer.
        assert!(requests.answer(first.id, TokenAnswer::AllowOnce));
        assert_eq!(answered.recv().expect("answer"), TokenAnswer::AllowOnce);
        assert!(
            !requests.answer(first.id, TokenAnswer::Deny),
            "answered once"
        );
        requests.add(request(1, "/usr/bin/a")).expect("asks again");
    }
}
