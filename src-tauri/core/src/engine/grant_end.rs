//! When an account's grant ends on its own, and who says so, most certain first: the provider
//! in its token answer (a refresh token lifetime, or Facebook's data access expiry), the
//! refresh token itself (a JWT's `exp`), the provider's published rule kept in its preset
//! (applied to when the refresh token was last issued or used), and without a refresh token
//! the access token's own expiry. Else no end is known, and the account says so.

use std::sync::Arc;
use std::time::Duration;

use super::{Grantry, lock};
use crate::clock;
use crate::error::Error;
use crate::model::{AccountStatus, AccountSummary, ActivityKind, GrantEnd, GrantEndSource};
use crate::providers::Preset;
use crate::store::RefreshRecord;

/// How long before a known end the person is told (once per end).
pub const TELL_BEFORE: i64 = 3 * 86_400;

/// How often the app looks for grants ending soon.
const LOOK_EVERY: Duration = Duration::from_secs(3600);

impl Grantry {
    /// Tells, by a history entry (which the app turns into a notification), of each valid
    /// account whose grant is known to end within [`TELL_BEFORE`], once per end, and only an
    /// end that held since the last look; returns them.
    pub fn tell_of_grant_ends(&self) -> Result<Vec<i64>, Error> {
        let now = clock::now();
        let mut told = Vec::new();
        for account in self.accounts()? {
            if account.status != AccountStatus::Valid {
                continue;
            }
            let end = self.grant_end_of(&account)?;
            let Some(at) = end.at.filter(|at| (now..=now + TELL_BEFORE).contains(at)) else {
                continue;
            };
            let mut store = lock(&self.store);
            // Told only of an end seen at two looks in a row: one that every refresh moves on
            // (a sliding lifetime) is never the same twice, and is not an end.
            let (seen, told_of) = store.grant_end_looks(account.id)?;
            store.set_grant_end_seen(account.id, at)?;
            if seen != Some(at) || told_of == Some(at) {
                continue;
            }
            store.set_grant_end_told(account.id, at)?;
            let days = (at - now + 43_200) / 86_400;
            let when = match days {
                0 => "within a day".to_owned(),
                1 => "in about a day".to_owned(),
                n => format!("in about {n} days"),
            };
            let detail = format!(
                "the grant of {} at {} ends {when}: {}; link it again before then to keep access",
                account.label(),
                account.provider,
                end.words
            );
            self.record_in(
                &store,
                ActivityKind::GrantEndingSoon,
                &detail,
                Some(account.id),
                now,
            )?;
            told.push(account.id);
        }
        Ok(told)
    }

    /// What will end `account`'s grant, as its detail says, without the rest of the detail.
    pub(super) fn grant_end_of(&self, account: &AccountSummary) -> Result<GrantEnd, Error> {
        let preset = self
            .environment(&account.provider, &account.environment)
            .ok()
            .and_then(|env| env.preset);
        let record = lock(&self.store).refresh_record(account.id)?;
        Ok(grant_end(&Known {
            preset,
            has_refresh_token: account.has_refresh_token,
            access_expires_at: account.access_expires_at,
            record: &record,
        }))
    }

    /// Looks for grants ending soon now and every hour, for as long as the app runs.
    pub async fn watch_grant_ends(self: Arc<Self>) {
        loop {
            if let Err(error) = self.tell_of_grant_ends() {
                tracing::warn!("the grants ending soon could not be looked for: {error}");
            }
            tokio::time::sleep(LOOK_EVERY).await;
        }
    }
}

/// What is known of an account for [`grant_end`].
pub(crate) struct Known<'a> {
    pub preset: Option<Preset>,
    pub has_refresh_token: bool,
    pub access_expires_at: Option<i64>,
    pub record: &'a RefreshRecord,
}

pub(crate) fn grant_end(known: &Known<'_>) -> GrantEnd {
    let rule = known.preset.map(|p| p.grant_rule(known.has_refresh_token));
    let doc_url = rule.map(|r| r.doc_url.to_owned());
    if let Some(end) = known.record.refresh_end.filter(|_| known.has_refresh_token) {
        let words = match end.source {
            GrantEndSource::RefreshToken => "the refresh token says when it ends (its exp)",
            _ => "the provider said when its refresh token ends",
        };
        return GrantEnd {
            at: Some(end.at),
            source: end.source,
            words: words.to_owned(),
            doc_url,
        };
    }
    if let Some(at) = known.record.data_access_expires_at {
        return GrantEnd {
            at: Some(at),
            source: GrantEndSource::Provider,
            words: "the provider said when its access to the person's data lapses, unless \
                    they use the app again"
                .to_owned(),
            doc_url,
        };
    }
    if let Some(rule) = rule {
        let last = known
            .record
            .last_refresh_at
            .unwrap_or(known.record.issued_at);
        return GrantEnd {
            at: rule.unused_for.map(|lasts| last.saturating_add(lasts)),
            source: GrantEndSource::Rule,
            words: rule.words.to_owned(),
            doc_url,
        };
    }
    if !known.has_refresh_token && known.access_expires_at.is_some() {
        return GrantEnd {
            at: known.access_expires_at,
            source: GrantEndSource::Provider,
            words: "without a refresh token, access ends with the access token".to_owned(),
            doc_url: None,
        };
    }
    GrantEnd {
        at: None,
        source: GrantEndSource::Unknown,
        words: "no end is known: the provider says none, and publishes no rule Grantry knows"
            .to_owned(),
        doc_url: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RefreshEnd;

    const DAY: i64 = 86_400;
    const ISSUED: i64 = 1_800_000_000;

    fn record() -> RefreshRecord {
        RefreshRecord {
            issued_at: ISSUED,
            last_refresh_at: None,
            refreshes: 0,
            rotations: 0,
            data_access_expires_at: None,
            refresh_end: None,
        }
    }

    fn end(preset: Option<Preset>, has_refresh_token: bool, record: &RefreshRecord) -> GrantEnd {
        grant_end(&Known {
            preset,
            has_refresh_token,
            access_expires_at: Some(ISSUED + 3600),
            record,
        })
    }

    #[test]
    fn each_presets_documented_rule_counts_from_the_last_issue_or_use() {
        let mut refreshed = record();
        refreshed.last_refresh_at = Some(ISSUED + 10 * DAY);
        for (preset, has_refresh, days) in [
            (Preset::Google, true, Some(183)),
            (Preset::Microsoft, true, Some(90)),
            (Preset::Github, true, Some(184)),
            (Preset::Github, false, Some(365)),
            (Preset::Facebook, false, Some(60)),
            (Preset::Gitlab, true, None),
        ] {
            let found = end(Some(preset), has_refresh, &refreshed);
            assert_eq!(found.source, GrantEndSource::Rule, "{preset:?}");
            assert_eq!(
                found.at,
                days.map(|d| ISSUED + 10 * DAY + d * DAY),
                "{preset:?}"
            );
            assert!(
                found.doc_url.is_some_and(|u| u.starts_with("https://")),
                "{preset:?}"
            );
        }
        let google = end(Some(Preset::Google), true, &record());
        assert!(google.words.contains("seven days"), "{}", google.words);
        assert_eq!(
            google.at,
            Some(ISSUED + 183 * DAY),
            "from the issue, never refreshed"
        );
    }

    #[test]
    fn what_the_provider_or_the_token_says_comes_before_the_rule() {
        let mut said = record();
        said.refresh_end = Some(RefreshEnd {
            at: ISSUED + 5 * DAY,
            source: GrantEndSource::Provider,
        });
        let github = end(Some(Preset::Github), true, &said);
        assert_eq!(
            (github.at, github.source),
            (Some(ISSUED + 5 * DAY), GrantEndSource::Provider)
        );
        said.refresh_end = Some(RefreshEnd {
            at: ISSUED + DAY,
            source: GrantEndSource::RefreshToken,
        });
        assert_eq!(end(None, true, &said).source, GrantEndSource::RefreshToken);

        let mut facebook = record();
        facebook.data_access_expires_at = Some(ISSUED + 90 * DAY);
        let found = end(Some(Preset::Facebook), false, &facebook);
        assert_eq!(
            (found.at, found.source),
            (Some(ISSUED + 90 * DAY), GrantEndSource::Provider)
        );
    }

    #[test]
    fn without_a_rule_the_access_tokens_end_or_nothing_known() {
        let found = end(None, false, &record());
        assert_eq!(
            (found.at, found.source),
            (Some(ISSUED + 3600), GrantEndSource::Provider)
        );
        let found = end(None, true, &record());
        assert_eq!((found.at, found.source), (None, GrantEndSource::Unknown));
        assert!(found.words.starts_with("no end is known"));
    }
}
