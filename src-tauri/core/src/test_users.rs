//! Linking one of the built-in sandbox's test users without a browser: the one step that
//! `grantry link sandbox --users …` (`src-tauri/cli/src/commands/link.rs`) and the app's Sandbox
//! screen (`src-tauri/src/sandbox_commands.rs`) both take for each user. The consent page is
//! answered by whoever calls (the sandbox's consent robot, `grantry_sandbox::robot::consent`),
//! so this crate needs no part of the sandbox.
//!
//! Invariants: the link is an ordinary one (PKCE, `state`, the `dev.grantry:` redirect), so
//! every check a person's link passes through applies; a link whose consent fails is cancelled,
//! never left waiting.

use std::future::Future;

use crate::providers::{RedirectKind, SANDBOX_ID};
use crate::{AccountSummary, Error, Grantry, Link};

/// Whether `login` can name a test user: 1 to 64 letters, digits, `.`, `_` or `-`.
pub fn is_test_user_login(login: &str) -> bool {
    !login.is_empty()
        && login.len() <= 64
        && login
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// Links test user `login` at the built-in sandbox, asking for `scopes` (`None`: the
/// environment's). `consent` receives the authorization URL and answers the consent page as
/// that user, returning the URL the sandbox redirected to (`dev.grantry:/oauth/callback?…`) or
/// why it could not; that answer completes the link.
pub async fn link_test_user<C, F>(
    grantry: &Grantry,
    login: &str,
    environment: Option<&str>,
    scopes: Option<Vec<String>>,
    consent: C,
) -> Result<AccountSummary, Error>
where
    C: FnOnce(String) -> F,
    F: Future<Output = Result<String, String>>,
{
    if !is_test_user_login(login) {
        return Err(Error::InvalidInput(format!(
            "{login:?} is not a test user's login (letters, digits, `.`, `_`, `-`)"
        )));
    }
    let Link { started, .. } = grantry
        .start_link(
            SANDBOX_ID,
            environment,
            scopes,
            Some(RedirectKind::CustomScheme),
        )
        .await?;
    match consent(started.authorization_url.clone()).await {
        Ok(callback) => grantry.finish_link(&callback).await,
        Err(error) => {
            grantry.cancel_link(&started.state);
            Err(Error::InvalidInput(format!("the consent page: {error}")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_user_logins_are_short_and_plain() {
        for good in ["alice", "dora.qa", "Bob_2", "x-y"] {
            assert!(is_test_user_login(good), "{good}");
        }
        for bad in ["", "bob smith", "<b>", "a,b", &"x".repeat(65)] {
            assert!(!is_test_user_login(bad), "{bad}");
        }
    }
}
