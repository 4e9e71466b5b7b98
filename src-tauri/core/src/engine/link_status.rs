//! How each link of the last minutes ended, kept so that a window which missed the event that
//! ended a link (a provider that answers at once, a remembered consent, can finish a link
//! before the window listens) can still ask ([`Grantry::link_status`]). Only links this
//! process started are kept, so forged answers naming made-up `state`s cannot crowd them out;
//! the record is bounded and forgets links older than a waiting link lives.

use std::collections::VecDeque;
use std::sync::Mutex;

use subtle::ConstantTimeEq;

use super::{Grantry, lock};
use crate::clock;
use crate::error::Error;
use crate::events::GrantryEvent;
use crate::model::{AccountSummary, LinkStatus};
use crate::oauth::authorize::PENDING_LIFETIME;

/// The most links remembered; older ones are forgotten first.
const KEPT: usize = 64;

/// Links claimed by an answer: completing (`Waiting`) or ended, with when that was recorded.
#[derive(Default)]
pub(super) struct LinkOutcomes(Mutex<VecDeque<(String, i64, LinkStatus)>>);

impl LinkOutcomes {
    /// Records how the link `state` stands now, replacing what was recorded before.
    fn record(&self, state: &str, status: LinkStatus, now: i64) {
        let mut kept = lock(&self.0);
        kept.retain(|(s, at, _)| !same(s, state) && now - at <= PENDING_LIFETIME);
        while kept.len() >= KEPT {
            kept.pop_front();
        }
        kept.push_back((state.to_owned(), now, status));
    }

    fn find(&self, state: &str) -> Option<LinkStatus> {
        lock(&self.0)
            .iter()
            .find(|(s, _, _)| same(s, state))
            .map(|(_, _, status)| status.clone())
    }
}

/// `state`s are compared in constant time, as everywhere (`oauth/authorize.rs`).
fn same(a: &str, b: &str) -> bool {
    bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

impl Grantry {
    /// How the link started as `state` stands: waiting, linked (with the account), failed
    /// (with why), or unknown to this process.
    pub fn link_status(&self, state: &str) -> LinkStatus {
        if let Some(status) = self.outcomes.find(state) {
            return status;
        }
        if self.pending.awaits(state) || self.device_links.awaits(state) {
            return LinkStatus::Waiting;
        }
        LinkStatus::Unknown
    }

    /// An answer claimed the link `state`: it stays "waiting" while it completes.
    pub(super) fn link_claimed(&self, state: &str) {
        self.outcomes
            .record(state, LinkStatus::Waiting, clock::now());
    }

    /// The link `state` ended with `account` linked: recorded, then told to the window.
    pub(super) fn link_completed(&self, state: &str, account: &AccountSummary) {
        let account = account.clone();
        self.outcomes.record(
            state,
            LinkStatus::Linked {
                account: Box::new(account.clone()),
            },
            clock::now(),
        );
        self.events.emit(GrantryEvent::LinkCompleted {
            link: state.to_owned(),
            account,
        });
    }

    /// The link `state` ended without an account: recorded, then told to the window.
    pub(super) fn link_failed(&self, state: &str, error: &Error) {
        let error = crate::error::IpcError::from(error);
        self.outcomes.record(
            state,
            LinkStatus::Failed {
                error: error.clone(),
            },
            clock::now(),
        );
        self.events.emit(GrantryEvent::LinkFailed {
            link: state.to_owned(),
            error,
        });
    }
}
