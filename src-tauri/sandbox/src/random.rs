//! Randomness for tokens, codes and keys, from the OS.
//!
//! Invariants: every token carries 256 bits from the OS generator; nothing here is ever seeded
//! or predictable, not even in tests, and a failing generator stops the sandbox rather than
//! hand out weak tokens.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;

pub fn fill(bytes: &mut [u8]) {
    getrandom::fill(bytes).expect("the OS random number generator");
}

/// A random token: `prefix` followed by 256 bits in base64url.
pub fn token(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    fill(&mut bytes);
    format!("{prefix}{}", B64.encode(bytes))
}
