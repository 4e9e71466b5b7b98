//! Steps the window tests share: the app's log, its sandbox's admin API as a tester drives it,
//! the token log's count of refresh tokens, axe-core and photographs in both themes, linking
//! an account through the Link dialog and opening an account's screen.

use std::path::Path;
use std::time::Duration;

use serde_json::Value;

use super::screenshot_dir;
use super::support::axe;
use super::support::webdriver::{Session, wait_until};

/// Every line of the app's log files (`logs/` in the data folder).
pub fn app_log(data_dir: &Path) -> String {
    let mut files: Vec<_> = std::fs::read_dir(data_dir.join("logs"))
        .expect("the app's log folder")
        .map(|entry| entry.expect("a log file").path())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no log file in {}", data_dir.display());
    files
        .iter()
        .map(|file| std::fs::read_to_string(file).expect("a log file"))
        .collect()
}

/// The app's sandbox, driven through its admin API with the token the app keeps in the data
/// folder (as a tester would).
pub struct Admin {
    issuer: String,
    token: String,
}

impl Admin {
    pub fn new(issuer: String, data_dir: &Path) -> Self {
        let token = std::fs::read_to_string(data_dir.join("sandbox-admin-token"))
            .expect("the app's sandbox admin token");
        Admin {
            issuer,
            token: token.trim().to_owned(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}/_sandbox{path}", self.issuer)
    }

    pub fn bearer(&self) -> String {
        format!("Bearer {}", self.token)
    }

    /// Every grant the sandbox holds. An answer that is not a list (an error object, whatever
    /// its status) fails the test rather than reading as "no grants".
    pub fn grants(&self) -> Vec<Value> {
        let mut response = ureq::get(self.url("/grants"))
            .header("authorization", self.bearer())
            .call()
            .expect("grants");
        assert_eq!(response.status(), 200, "the admin API's grants");
        let grants: Value = response.body_mut().read_json().expect("json");
        grants
            .as_array()
            .cloned()
            .unwrap_or_else(|| panic!("the admin API's grants are not a list: {grants}"))
    }

    /// Whether each grant of `user` (a login) is still live, oldest first; the user must have
    /// at least one, so that "all of them ended" cannot pass on none.
    pub fn live(&self, user: &str) -> Vec<bool> {
        let sub = format!("user-{user}");
        let live: Vec<bool> = self
            .grants()
            .iter()
            .filter(|g| g["sub"] == sub.as_str())
            .map(|g| g["revoked"].is_null())
            .collect();
        assert!(!live.is_empty(), "{user} has no grant at the sandbox");
        live
    }

    pub fn remove_scope(&self, grant: u64, scope: &str) {
        let response = ureq::delete(self.url(&format!("/grants/{grant}/scopes/{scope}")))
            .header("authorization", self.bearer())
            .call()
            .expect("remove a scope");
        assert!(
            response.status().is_success(),
            "remove a scope: {response:?}"
        );
    }

    pub fn fault(&self, fault: &str) {
        let response = ureq::post(self.url("/faults"))
            .header("authorization", self.bearer())
            .header("content-type", "application/json")
            .send(fault)
            .expect("inject a fault");
        assert!(
            response.status().is_success(),
            "inject {fault}: {response:?}"
        );
    }

    /// Sets the sandbox's DPoP switches (`{"required": …, "nonce": …}`, RFC 9449).
    pub fn dpop(&self, switches: &str) {
        let response = ureq::post(self.url("/dpop"))
            .header("authorization", self.bearer())
            .header("content-type", "application/json")
            .send(switches)
            .expect("set the DPoP switches");
        assert!(
            response.status().is_success(),
            "DPoP {switches}: {response:?}"
        );
    }

    pub fn clear_faults(&self) {
        let response = ureq::delete(self.url("/faults"))
            .header("authorization", self.bearer())
            .call()
            .expect("clear faults");
        assert!(response.status().is_success(), "clear faults: {response:?}");
    }
}

/// How many refresh tokens the sandbox has issued (its token log, one value a line).
pub fn refresh_tokens_issued(token_log: &Path) -> usize {
    std::fs::read_to_string(token_log)
        .unwrap_or_default()
        .lines()
        .filter(|line| line.starts_with("sbx_rt_"))
        .count()
}

/// Checks the window with axe-core, in light and dark, and photographs both.
pub fn look(app: &Session, name: &str) {
    for theme in ["light", "dark"] {
        set_theme(app, theme);
        axe::check(app, &format!("{name} ({theme})"));
        app.screenshot(&screenshot_dir().join(format!("{name}-{theme}.png")));
    }
    set_theme(app, "light");
}

/// Switches the window to `theme` through its theme switch, and checks the page took it.
pub fn set_theme(app: &Session, theme: &str) {
    let script = "const [theme, done] = arguments;\
                  const select = document.querySelector('select[title=Theme]');\
                  if (!select) { done('no theme switch'); return; }\
                  select.value = theme;\
                  select.dispatchEvent(new Event('change', { bubbles: true }));\
                  requestAnimationFrame(() => requestAnimationFrame(() =>\
                    done(document.documentElement.dataset.theme ?? 'system')));";
    let applied = app.execute_async(script, serde_json::json!([theme]));
    assert_eq!(applied, theme, "the window's theme");
}

/// Links an account from the Link dialog with the scripted browser answering as `consent`
/// says, and waits for its row.
pub fn link(app: &Session, consent_file: &Path, consent: &str, shows: &str) {
    std::fs::write(consent_file, consent).expect("consent arguments");
    app.click("[data-testid=link-account]");
    app.wait_for_text("[data-testid=link-dialog]");
    axe::check(app, "the Link dialog");
    app.click("[data-testid=link-start]");
    app.wait_for_text_where("main", |t| {
        t.contains(shows) && !t.contains("Finish in your browser")
    });
}

/// Opens the account whose row shows `label`.
pub fn open(app: &Session, label: &str) {
    let script = "const [label, done] = arguments;\
                  const row = [...document.querySelectorAll('[data-testid=account-row]')]\
                    .find((r) => r.textContent.includes(label));\
                  if (row) row.click();\
                  done(Boolean(row));";
    wait_until(
        &format!("a row showing {label}"),
        Duration::from_secs(20),
        || app.execute_async(script, serde_json::json!([label])) == Value::Bool(true),
    );
    app.wait_for_text_where("[data-testid=account-screen]", |t| t.contains(label));
}

/// `gdbus` calling `method` of the app's token service (`dev.grantry.Tokens1`) with `args`,
/// its output piped, not yet run.
pub fn gdbus(method: &str, args: &[&str]) -> std::process::Command {
    let mut command = std::process::Command::new("/usr/bin/gdbus");
    command
        .args([
            "call",
            "--session",
            "--dest",
            "dev.grantry.Tokens",
            "--object-path",
            "/dev/grantry/Tokens",
            "--timeout",
            "90",
            "--method",
            &format!("dev.grantry.Tokens1.{method}"),
        ])
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    command
}

/// The access token the app's sandbox issued last.
pub fn latest_access_token(token_log: &Path) -> String {
    std::fs::read_to_string(token_log)
        .expect("the token log")
        .lines()
        .rev()
        .find(|line| line.starts_with("sbx_at_"))
        .expect("an access token")
        .to_owned()
}
