//! The identifiers a client may use once: a `private_key_jwt` assertion's `jti` (RFC 7523 §3,
//! item 7) and a DPoP proof's `jti` (RFC 9449 §11.1), remembered until they could no longer be
//! accepted anyway, so a replay inside that window is refused.
//!
//! Invariants: an identifier is accepted at most once while remembered; memory is bounded by
//! forgetting the expired first and refusing new ones rather than forgetting live ones when
//! full (a flood then fails closed).

use std::collections::HashMap;

use super::Time;

/// At most this many identifiers are remembered at once.
const MAX_REMEMBERED: usize = 100_000;

#[derive(Debug, Default)]
pub struct Replays {
    /// Each identifier (prefixed by what it is for) and until when it is remembered.
    seen: HashMap<String, Time>,
}

impl Replays {
    /// Records `id` as used until `until`; false when it was used already (a replay), or when
    /// no more can be remembered.
    pub fn first_use(&mut self, id: &str, until: Time, now: Time) -> bool {
        if self.seen.len() >= MAX_REMEMBERED {
            self.seen.retain(|_, kept| *kept > now);
        }
        if self.seen.len() >= MAX_REMEMBERED {
            return false;
        }
        match self.seen.get(id) {
            Some(kept) if *kept > now => false,
            _ => {
                self.seen.insert(id.to_owned(), until);
                true
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_identifier_is_taken_once_while_remembered() {
        let mut replays = Replays::default();
        assert!(replays.first_use("dpop:a", 100, 10));
        assert!(!replays.first_use("dpop:a", 100, 50));
        assert!(replays.first_use("dpop:b", 100, 50));
        // Past its window it could not be accepted anyway; the slot is free again.
        assert!(replays.first_use("dpop:a", 300, 101));
    }
}
