//! Proof that this sandbox holds an admin token, without the token being sent: `GET
//! /_sandbox/proof?challenge=C` answers `{"proof": P}`, P being HMAC-SHA256 (RFC 2104) keyed
//! with the admin token over [`LABEL`] followed by C, in unpadded base64url.
//!
//! Grantry keeps the admin token of the sandbox it trusts in its data folder; before it offers
//! the sandbox on a port, it sends a fresh random challenge and checks the answer
//! (`src-tauri/core/src/engine/sandbox.rs`, `find_sandbox`). Another program holding the port
//! receives only the challenge, learns nothing of the token, and cannot answer. Asking needs no
//! token and changes nothing, so the route is outside the admin API's door (`src/guard.rs`),
//! behind the same `Host` check as every route.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// What the MAC covers before the challenge, so that a proof means only this.
pub const LABEL: &str = "grantry-sandbox-proof:";

/// The shortest and longest challenge taken: 128 to 768 bits, in base64url.
const CHALLENGE_LEN: std::ops::RangeInclusive<usize> = 22..=128;

/// Whether `challenge` is one this route answers: base64url, of a sensible length.
pub fn valid_challenge(challenge: &str) -> bool {
    CHALLENGE_LEN.contains(&challenge.len())
        && challenge
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The proof for `challenge` under `admin_token`.
pub fn proof(admin_token: &str, challenge: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(admin_token.as_bytes())
        .expect("HMAC takes keys of any size");
    mac.update(LABEL.as_bytes());
    mac.update(challenge.as_bytes());
    B64.encode(mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_proof_is_hmac_sha256_of_the_label_and_the_challenge() {
        // The same known answer is checked by Grantry's side (`find_sandbox`'s module).
        let challenge = "A".repeat(22);
        assert_eq!(
            proof("sbx_admin_known-answer", &challenge),
            "8BLDl4kVPKK6aXWf-4O1KIxc6YItqDuRRzShGcBsKH8"
        );
        assert_ne!(
            proof("another", &challenge),
            proof("sbx_admin_known-answer", &challenge)
        );
    }

    #[test]
    fn only_base64url_challenges_of_a_sensible_length_are_answered() {
        assert!(valid_challenge(&"A".repeat(22)));
        assert!(valid_challenge(&"-_aZ09".repeat(20)));
        assert!(!valid_challenge("short"));
        assert!(!valid_challenge(&"A".repeat(129)));
        assert!(!valid_challenge(&format!("{}=", "A".repeat(30))));
        assert!(!valid_challenge(&format!("{} ", "A".repeat(30))));
    }
}
