//! `grantry link`: start a link, send the person to the provider (the system browser, or a
//! command of the tester's choice), take the provider's answer by the environment's redirect
//! strategy or `--redirect` (the loopback listener; or the `dev.grantry:` or provider-scheme
//! URL read from the browser command's output or from standard input), and finish the link.
//! With `--device` (or an environment whose redirect is `device`), link by device code
//! instead (RFC 8628, `device.rs`): print the code and the page, and wait.

use std::process::Stdio;
use std::time::Duration;

use clap::Args;
use grantry_core::providers::RedirectKind;
use grantry_core::{AccountSummary, Error, Grantry, IpcError, Link, URL_SCHEME, test_users};
use grantry_sandbox::robot;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

use crate::output::{first_failure, print, terminal_safe};
use crate::redirect::RedirectArg;

#[derive(Args)]
pub struct LinkArgs {
    /// The provider id (`grantry providers` lists them).
    #[arg(required_unless_present = "account")]
    provider: Option<String>,
    /// Link an account already here again: with `--scope`, add those scopes to it
    /// (incremental consent); without, re-link it. The answer must come from that account.
    #[arg(long, value_name = "ID", conflicts_with_all = ["provider", "env"])]
    account: Option<i64>,
    /// The provider environment (default: its first).
    #[arg(long)]
    env: Option<String>,
    /// A scope to ask for (repeat for more; default: the environment's scopes; with
    /// `--account`, the scopes to add).
    #[arg(long = "scope")]
    scopes: Vec<String>,
    /// Where the provider sends the answer (default: as the environment is set up):
    /// `loopback` (a listener on 127.0.0.1), or `custom_scheme` (also `custom`),
    /// `provider_scheme` or `bridge`, whose URL is read from the browser command's output or
    /// standard input; or `device`, as `--device`.
    #[arg(long, value_enum)]
    redirect: Option<RedirectArg>,
    /// Run this command with the authorization URL as its last argument instead of opening
    /// the system browser (a shell command line; for example a scripted browser).
    #[arg(long, value_name = "CMD")]
    browser: Option<String>,
    /// How long to wait for the provider's answer, in seconds.
    #[arg(long, default_value_t = 600)]
    timeout: u64,
    /// Link with a device code (RFC 8628): print a code to enter at the provider's page, in
    /// any browser on any device, and wait until it is entered (Ctrl+C cancels). The default
    /// for an environment whose redirect is `device`.
    #[arg(long, conflicts_with_all = ["redirect", "browser", "users"])]
    device: bool,
    /// At the built-in sandbox only: link these test users one after another (comma
    /// separated, `alice,bob,carol`), each consenting to every scope asked, without a browser.
    #[arg(
        long,
        value_name = "USERS",
        value_delimiter = ',',
        conflicts_with_all = ["account", "browser", "redirect"]
    )]
    users: Vec<String>,
}

impl LinkArgs {
    /// Whether the link is to be made at the built-in sandbox, by name.
    pub fn names_sandbox(&self) -> bool {
        self.provider.as_deref() == Some(grantry_core::providers::SANDBOX_ID)
    }

    /// Whether it is a link for an existing account (`--account`).
    pub fn for_account(&self) -> bool {
        self.account.is_some()
    }

    /// The account it links again, and the environment it names.
    pub fn account_and_env(&self) -> (Option<i64>, Option<&str>) {
        (self.account, self.env.as_deref())
    }

    /// The provider it names.
    pub fn provider_id(&self) -> Option<&str> {
        self.provider.as_deref()
    }
}

/// Runs `command` (a shell command line) with `url` as its last argument; returns its output.
async fn run_browser(command: &str, url: &str) -> Result<String, Error> {
    let output = Command::new("sh")
        .arg("-c")
        .arg(format!("{command} \"$1\""))
        .arg("grantry-browser")
        .arg(url)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .await
        .map_err(|e| Error::InvalidInput(format!("cannot run the browser command: {e}")))?;
    if !output.status.success() {
        return Err(Error::InvalidInput(format!(
            "the browser command failed ({})",
            output.status
        )));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Opens the system browser; the URL is printed too, for when none can be opened.
async fn open_system_browser(url: &str) {
    eprintln!("Opening your browser to sign in. If it does not open, visit:\n  {url}");
    let opened = Command::new("xdg-open")
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .await;
    if !opened.is_ok_and(|status| status.success()) {
        eprintln!("(no browser could be opened)");
    }
}

/// The answer in a browser command's output: the first line that is a URL of Grantry's scheme
/// or of the provider's (what the link's redirect URI starts with).
fn redirect_in(text: &str, redirect_uri: &str) -> Option<String> {
    let provider_scheme = redirect_uri.split_once(':').map(|(scheme, _)| scheme);
    text.lines().map(str::trim).find_map(|line| {
        let (scheme, _) = line.split_once(':')?;
        (scheme == URL_SCHEME || Some(scheme) == provider_scheme).then(|| line.to_owned())
    })
}

/// Starts the link: a new one at the provider, or one for `--account`.
async fn start(grantry: &Grantry, args: &LinkArgs) -> Result<Link, Error> {
    let redirect = args.redirect.map(RedirectKind::from);
    if let Some(account) = args.account {
        return grantry
            .start_link_for(account, &args.scopes, redirect)
            .await;
    }
    let scopes = (!args.scopes.is_empty()).then(|| args.scopes.clone());
    let provider = args.provider.as_deref().unwrap_or_default();
    grantry
        .start_link(provider, args.env.as_deref(), scopes, redirect)
        .await
}

pub async fn run(json: bool, grantry: &Grantry, args: &LinkArgs) -> Result<(), Error> {
    if !args.users.is_empty() {
        return link_test_users(json, grantry, args).await;
    }
    let device_asked = matches!(args.redirect, Some(RedirectArg::Device));
    if args.device
        || device_asked
        || args.redirect.is_none() && super::device::environment_wants_device(grantry, args)?
    {
        let provider = args.provider.as_deref().unwrap_or_default();
        let request = super::device::Request {
            provider,
            environment: args.env.as_deref(),
            account: args.account,
            scopes: &args.scopes,
        };
        let account = super::device::link(grantry, &request).await?;
        return done(json, account);
    }
    let timeout = Duration::from_secs(args.timeout);
    let Link { started, loopback } = start(grantry, args).await?;
    if let Some(loopback) = loopback {
        // Only the answer carrying this link's state ends the wait (oauth/loopback.rs).
        let state = started.state.clone();
        let waiting = grantry.answer_on_loopback(loopback, &state, timeout);
        tokio::pin!(waiting);
        let browsing = async {
            match &args.browser {
                Some(command) => run_browser(command, &started.authorization_url)
                    .await
                    .map(drop),
                None => {
                    open_system_browser(&started.authorization_url).await;
                    Ok(())
                }
            }
        };
        // The answer may arrive before the browser command exits; a failed command ends the
        // wait at once.
        tokio::select! {
            account = &mut waiting => return done(json, account?),
            browsed = browsing => browsed?,
        }
        return done(json, waiting.await?);
    }
    let printed = match &args.browser {
        Some(command) => redirect_in(
            &run_browser(command, &started.authorization_url).await?,
            &started.redirect_uri,
        ),
        None => {
            open_system_browser(&started.authorization_url).await;
            None
        }
    };
    let callback = match printed {
        Some(url) => url,
        None => {
            eprintln!(
                "Paste the address your browser was sent to ({}?…), or start again with \
                 --redirect loopback:",
                started.redirect_uri
            );
            let mut lines = BufReader::new(tokio::io::stdin()).lines();
            let read = tokio::time::timeout(timeout, lines.next_line()).await;
            match read {
                Ok(Ok(Some(line))) => line.trim().to_owned(),
                _ => return Err(Error::InvalidInput("no redirect URL was given".into())),
            }
        }
    };
    done(json, grantry.finish_link(&callback).await?)
}

fn done(json: bool, account: AccountSummary) -> Result<(), Error> {
    print(json, &account, || {
        format!(
            "Linked {} at {} ({}): account {}, {} scopes granted.",
            account.label(),
            account.provider,
            account.environment,
            account.id,
            account.scope_count
        )
    });
    Ok(())
}

/// `--users`: each test user linked at the sandbox in turn, consenting through the sandbox's
/// consent robot (`grantry sandbox consent` in-process), with a line of progress each on
/// stderr and a summary; exits with the first failure, once all were tried.
async fn link_test_users(json: bool, grantry: &Grantry, args: &LinkArgs) -> Result<(), Error> {
    if !args.names_sandbox() {
        return Err(Error::InvalidInput(
            "--users links test users of the built-in sandbox only: `grantry link sandbox \
             --users alice,bob`"
                .into(),
        ));
    }
    if let Some(bad) = args
        .users
        .iter()
        .find(|user| !test_users::is_test_user_login(user))
    {
        return Err(Error::InvalidInput(format!(
            "--users: {bad:?} is not a test user's login (letters, digits, `.`, `_`, `-`; \
             separated by commas)"
        )));
    }
    let total = args.users.len();
    let mut outcomes = Vec::new();
    for (done, user) in args.users.iter().enumerate() {
        let outcome = link_test_user(grantry, args, user).await;
        let line = match &outcome {
            Ok(account) => format!("linked, account {}", account.id),
            Err(error) => format!("failed: {error}"),
        };
        if !json {
            eprintln!("[{}/{total}] {user}: {}", done + 1, terminal_safe(&line));
        }
        outcomes.push((user.clone(), outcome));
    }
    let linked = outcomes.iter().filter(|(_, o)| o.is_ok()).count();
    let report: Vec<serde_json::Value> = outcomes
        .iter()
        .map(|(user, outcome)| match outcome {
            Ok(account) => serde_json::json!({"user": user, "account": account}),
            Err(error) => serde_json::json!({"user": user, "error": IpcError::from(error)}),
        })
        .collect();
    print(json, &report, || {
        format!("Linked {linked} of {total} test users at the sandbox.")
    });
    first_failure(outcomes)
}

/// One test user linked at the sandbox (`grantry_core::test_users`, as the app's Sandbox
/// screen does): the consent robot answers as `user`, and its `dev.grantry:` URL completes the
/// link.
async fn link_test_user(
    grantry: &Grantry,
    args: &LinkArgs,
    user: &str,
) -> Result<AccountSummary, Error> {
    let scopes = (!args.scopes.is_empty()).then(|| args.scopes.clone());
    let choice = robot::Choice {
        user: user.to_owned(),
        scopes: None,
        allow: true,
    };
    test_users::link_test_user(
        grantry,
        user,
        args.env.as_deref(),
        scopes,
        |url| async move {
            robot::consent(&url, &choice)
                .await
                .map_err(|e| e.to_string())
        },
    )
    .await
}
