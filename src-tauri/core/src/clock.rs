//! The time, in Unix seconds. Every operation takes the time once at its start and passes it
//! down, so that expiry logic can be tested with any `now` without sleeping.

use std::time::{SystemTime, UNIX_EPOCH};

/// The current time in Unix seconds (0 if the system clock is before 1970).
pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| {
            i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX)
        })
}
