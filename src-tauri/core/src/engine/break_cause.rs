//! Why a grant broke, in plain words, with the one action that mends it. A provider that
//! refuses a refresh says little (`invalid_grant`, a description in its own dialect); what it
//! means is worked out from the error, its description (Microsoft's AADSTS codes, Google's
//! "expired or revoked", GitHub's `bad_refresh_token`), and the account's history: when its
//! grant was due to end by the provider's rule (`grant_end.rs`). Unknown causes say so, with
//! the provider's own words.

use crate::model::{BreakCause, GrantEnd, GrantEndSource, Mend};

/// What a provider's refusal came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnosis {
    pub cause: BreakCause,
    pub mend: Mend,
    /// The cause and the action, in a sentence or two, with the provider's words.
    pub words: String,
}

pub struct Refused<'a> {
    pub provider: &'a str,
    /// `invalid_grant`, `invalid_client`, `unauthorized_client` or `invalid_scope`.
    pub error: &'a str,
    pub description: Option<&'a str>,
    /// What the provider's preset makes of it, in words (Facebook's subcodes, Google's
    /// Testing status…), which then stand for the provider's own.
    pub explained: Option<&'a str>,
}

/// Works out why `refused` happened, given when the grant was due to end (`grant_end`) at
/// `now`.
pub fn diagnose(refused: &Refused<'_>, grant_end: Option<&GrantEnd>, now: i64) -> Diagnosis {
    let Refused {
        provider,
        error,
        description,
        explained,
    } = *refused;
    let said = description.unwrap_or(error);
    let lower = said.to_ascii_lowercase();
    let has = |needle: &str| lower.contains(needle);
    // Due by the provider's rule (or its own word) by now, give or take ten minutes.
    let due = grant_end
        .filter(|end| end.source != GrantEndSource::Unknown)
        .and_then(|end| end.at)
        .is_some_and(|at| at <= now + 600);
    // Google's "expired or revoked" and GitHub's bad_refresh_token say either.
    let either = (has("expired") && has("revoked")) || has("bad_refresh_token");
    let cause = match error {
        "invalid_client" | "unauthorized_client" => BreakCause::ClientRejected,
        "invalid_scope" => BreakCause::ScopeNotAllowed,
        _ if has("aadsts700082") => BreakCause::Expired,
        _ if has("aadsts65001") => BreakCause::ConsentWithdrawn,
        _ if has("aadsts50173") || has("password") => BreakCause::SecurityChange,
        _ if has("reuse") || has("already used") => BreakCause::Reused,
        _ if has("clock") || has("not yet valid") || has("issued in the future") => {
            BreakCause::ClockSkew
        }
        _ if has("consent") || has("not authorized") => BreakCause::ConsentWithdrawn,
        // Either one: the rule (or the provider's word) on when the grant was due tells which.
        _ if either && due => BreakCause::Expired,
        _ if either || has("revoked") => BreakCause::Revoked,
        _ if has("expired") => BreakCause::Expired,
        _ => BreakCause::Unknown,
    };
    let words = match cause {
        BreakCause::Expired => {
            format!("{provider}'s refresh token reached its end (its lifetime, or too long unused)")
        }
        BreakCause::Revoked => format!(
            "access was taken back at {provider} (in your account's settings there, or by the provider)"
        ),
        BreakCause::Reused => format!(
            "a refresh token was used twice, and {provider} ended the grant (reuse detection); this happens when an answer is lost and the refresh is tried again"
        ),
        BreakCause::SecurityChange => {
            format!("a password change or security check at {provider} ended the grant")
        }
        BreakCause::ConsentWithdrawn => {
            format!("the consent given to this app at {provider} was withdrawn")
        }
        BreakCause::ClientRejected => format!(
            "{provider} no longer accepts Grantry's client: its secret changed, or the client was deleted or disabled"
        ),
        BreakCause::ScopeNotAllowed => {
            format!("a scope this account holds is no longer allowed for this client at {provider}")
        }
        BreakCause::ClockSkew => format!("this computer's clock and {provider}'s disagree"),
        BreakCause::Unknown => {
            format!("{provider} refused the grant for a reason Grantry does not know")
        }
    };
    let mend = cause.mend();
    let action = match mend {
        Mend::Relink => "Link the account again",
        Mend::FixClient => {
            "Fix the client on the Providers screen (its secret, or register it again)"
        }
        Mend::FixClock => "Set this computer's clock right, then refresh",
    };
    let theirs = explained.map_or_else(
        || format!("{provider} said: {error}: {said}"),
        str::to_owned,
    );
    Diagnosis {
        cause,
        mend,
        words: format!("{}. {action}. {theirs}", capitalised(&words)),
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused<'a>(provider: &'a str, error: &'a str, description: Option<&'a str>) -> Refused<'a> {
        Refused {
            provider,
            error,
            description,
            explained: None,
        }
    }

    fn cause(error: &str, description: &str) -> BreakCause {
        diagnose(&refused("P", error, Some(description)), None, 1_000).cause
    }

    #[test]
    fn each_dialect_says_its_cause() {
        for (error, description, expected) in [
            (
                "invalid_grant",
                "AADSTS700082: The refresh token has expired due to inactivity.",
                BreakCause::Expired,
            ),
            (
                "invalid_grant",
                "AADSTS65001: The user or administrator has not consented",
                BreakCause::ConsentWithdrawn,
            ),
            (
                "invalid_grant",
                "AADSTS50173: The provided grant has expired due to it being revoked. The user might have changed or reset their password.",
                BreakCause::SecurityChange,
            ),
            (
                "invalid_grant",
                "refresh token already used: reuse detected, the grant is revoked",
                BreakCause::Reused,
            ),
            ("invalid_grant", "grant revoked", BreakCause::Revoked),
            (
                "invalid_grant",
                "Token has been expired or revoked.",
                BreakCause::Revoked,
            ),
            (
                "invalid_grant",
                "the refresh token has expired",
                BreakCause::Expired,
            ),
            (
                "invalid_grant",
                "token not yet valid: check the clock",
                BreakCause::ClockSkew,
            ),
            (
                "invalid_client",
                "client authentication failed",
                BreakCause::ClientRejected,
            ),
            ("unauthorized_client", "", BreakCause::ClientRejected),
            (
                "invalid_scope",
                "scope not allowed",
                BreakCause::ScopeNotAllowed,
            ),
            ("invalid_grant", "something new", BreakCause::Unknown),
        ] {
            assert_eq!(cause(error, description), expected, "{description}");
        }
    }

    #[test]
    fn an_ambiguous_refusal_is_an_expiry_when_the_rule_said_it_was_due() {
        let due = GrantEnd {
            at: Some(900),
            source: GrantEndSource::Rule,
            words: String::new(),
            doc_url: None,
        };
        let said = "Token has been expired or revoked.";
        let google = refused("google", "invalid_grant", Some(said));
        let found = diagnose(&google, Some(&due), 1_000);
        assert_eq!(found.cause, BreakCause::Expired);
        let later = GrantEnd {
            at: Some(1_000 + 90 * 86_400),
            ..due
        };
        let found = diagnose(&google, Some(&later), 1_000);
        assert_eq!(found.cause, BreakCause::Revoked);
    }

    #[test]
    fn the_words_give_the_cause_the_action_and_the_providers_own_words() {
        let found = diagnose(
            &refused("sandbox", "invalid_client", Some("bad secret")),
            None,
            0,
        );
        assert_eq!(found.mend, Mend::FixClient);
        assert!(
            found.words.starts_with("Sandbox no longer accepts"),
            "{}",
            found.words
        );
        assert!(found.words.contains("Providers screen"), "{}", found.words);
        assert!(
            found
                .words
                .ends_with("sandbox said: invalid_client: bad secret"),
            "{}",
            found.words
        );
        let unknown = diagnose(&refused("sandbox", "invalid_grant", None), None, 0);
        assert_eq!(unknown.cause, BreakCause::Unknown);
        assert!(
            unknown
                .words
                .ends_with("said: invalid_grant: invalid_grant"),
            "{}",
            unknown.words
        );
        assert_eq!(
            BreakCause::parse(BreakCause::Reused.as_str()),
            Some(BreakCause::Reused)
        );
    }
}
