//! Proof that this sandbox holds an admin token, without the token being sent: `GET
//! /_sandbox/proof?challenge=C` answers `{"proof": P}`, P being HMAC-SHA256 (RFC 2104) keyed
//! with the admin token over [`LABEL`], the length of the sandbox's own issuer URL I as eight
//! bytes big-endian, I, and C; in unpadded base64url.
//!
//! Grantry keeps the admin token of the sandbox it trusts in its data folder; before it offers
//! the sandbox at an issuer, it sends a fresh random challenge there and checks the answer
//! against that issuer (`src-tauri/core/src/engine/sandbox.rs`, `find_sandbox`). Another
//! program holding the port receives only the challenge, learns nothing of the token, and
//! cannot answer. Nor can it relay the challenge to the real sandbox on another port and pass
//! its answer off as its own: that answer covers the real sandbox's issuer, not the one being
//! checked. The length prefix keeps issuer and challenge apart, so no other pair gives the same
//! bytes. Asking needs no token and changes nothing, so the route is outside the admin API's
//! door (`src/guard.rs`), behind the same `Host` check as every route.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// What the MAC covers first, so that a proof means only this. Its version changes with what
/// the MAC covers, so an answer of another version never matches.
pub const LABEL: &str = "grantry-sandbox-proof-v2:";

/// The shortest and longest challenge taken: 128 to 768 bits, in base64url.
const CHALLENGE_LEN: std::ops::RangeInclusive<usize> = 22..=128;

/// Whether `challenge` is one this route answers: base64url, of a sensible length.
pub fn valid_challenge(challenge: &str) -> bool {
    CHALLENGE_LEN.contains(&challenge.len())
        && challenge
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The proof for `challenge` under `admin_token`, by the sandbox whose issuer is `issuer`.
pub fn proof(admin_token: &str, issuer: &str, challenge: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(admin_token.as_bytes())
        .expect("HMAC takes keys of any size");
    mac.update(LABEL.as_bytes());
    let issuer_len = u64::try_from(issuer.len()).expect("a URL's length fits in 64 bits");
    mac.update(&issuer_len.to_be_bytes());
    mac.update(issuer.as_bytes());
    mac.update(challenge.as_bytes());
    B64.encode(mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_proof_is_hmac_sha256_of_the_label_the_issuer_and_the_challenge() {
        // The same known answer is checked by Grantry's side (`find_sandbox`'s module).
        let challenge = "A".repeat(22);
        let issuer = "http://127.0.0.1:7461";
        assert_eq!(
            proof("sbx_admin_known-answer", issuer, &challenge),
            "YHiE1neRJmReJeuYi-Q6qV-RFxng-WkCVATZwluq1iI"
        );
        assert_ne!(
            proof("another", issuer, &challenge),
            proof("sbx_admin_known-answer", issuer, &challenge)
        );
    }

    #[test]
    fn a_proof_holds_only_for_the_issuer_it_was_given_for() {
        // A program on another port that relays the challenge here gets an answer for this
        // issuer, which does not hold for its own.
        let challenge = "A".repeat(22);
        let here = proof(
            "sbx_admin_known-answer",
            "http://127.0.0.1:7461",
            &challenge,
        );
        assert_ne!(
            here,
            proof(
                "sbx_admin_known-answer",
                "http://127.0.0.1:7462",
                &challenge
            )
        );
        // The length prefix keeps the issuer's end apart from the challenge's start.
        assert_ne!(
            proof("k", "http://127.0.0.1:1", &format!("2{}", "A".repeat(22))),
            proof("k", "http://127.0.0.1:12", &"A".repeat(22))
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
