//! Keys that Grantry makes and signs with: a P-256 key ([`ProofKey`]) whose compact JWS
//! signatures (RFC 7515, ES256 of RFC 7518 §3.4) prove the client at a token endpoint
//! (`private_key_jwt`, RFC 7523 §2.2) and bind tokens to an account (DPoP, RFC 9449).
//!
//! Invariants: the private part leaves a key only as a [`Secret`] for the keyring
//! (`secret_store/`), never in a JWK, a JWKS or a message; the public JWK carries only `kty`,
//! `crv`, `x`, `y` and the descriptive `kid`, `alg`, `use`; the key id is the RFC 7638
//! thumbprint, so it names the key and nothing else. Every identifier that must be unique
//! ([`random_id`]) carries 128 bits from the OS generator.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::error::Error;
use crate::secret::Secret;

/// A P-256 signing key of Grantry's own.
#[derive(Clone)]
pub struct ProofKey {
    signing: SigningKey,
}

impl std::fmt::Debug for ProofKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ProofKey({})", self.thumbprint())
    }
}

impl ProofKey {
    /// A new random key.
    pub fn generate() -> Result<Self, Error> {
        loop {
            let mut bytes = [0u8; 32];
            getrandom::fill(&mut bytes)
                .map_err(|e| Error::Internal(format!("the OS random generator failed: {e}")))?;
            // A random 32-byte string is a valid scalar except with negligible probability.
            if let Ok(signing) = SigningKey::from_slice(&bytes) {
                return Ok(Self { signing });
            }
        }
    }

    /// The key as [`ProofKey::secret`] gave it (its scalar in base64url), as read back from
    /// the keyring.
    pub fn from_secret(secret: &Secret<String>) -> Result<Self, Error> {
        let unreadable = || Error::Internal("a key in the keyring is not a P-256 key".into());
        let bytes = B64.decode(secret.expose()).map_err(|_| unreadable())?;
        let signing = SigningKey::from_slice(&bytes).map_err(|_| unreadable())?;
        Ok(Self { signing })
    }

    /// The private key, for the keyring only.
    pub fn secret(&self) -> Secret<String> {
        Secret::new(B64.encode(self.signing.to_bytes()))
    }

    /// The public key's coordinates, in base64url.
    fn coordinates(&self) -> (String, String) {
        let point = self.signing.verifying_key().to_sec1_point(false);
        let (x, y) = (
            point.x().expect("an uncompressed point has x"),
            point.y().expect("an uncompressed point has y"),
        );
        (B64.encode(x), B64.encode(y))
    }

    /// The public key as a bare JWK (RFC 7517 §4): what a DPoP proof's header carries.
    pub fn public_jwk(&self) -> Value {
        let (x, y) = self.coordinates();
        json!({ "kty": "EC", "crv": "P-256", "x": x, "y": y })
    }

    /// The JWK thumbprint (RFC 7638 §3): SHA-256 over the required members in lexicographic
    /// order, base64url. It is DPoP's `jkt` (RFC 9449 §6.1) and this key's `kid`.
    pub fn thumbprint(&self) -> String {
        let (x, y) = self.coordinates();
        // Written out, not serialised: RFC 7638 fixes the members, their order and no spaces.
        let canonical = format!(r#"{{"crv":"P-256","kty":"EC","x":"{x}","y":"{y}"}}"#);
        B64.encode(Sha256::digest(canonical.as_bytes()))
    }

    /// The public key as a JWK Set to register at a provider (RFC 7517 §5): with its `kid`,
    /// `alg` and `use`.
    pub fn jwks(&self) -> Value {
        let mut jwk = self.public_jwk();
        jwk["kid"] = json!(self.thumbprint());
        jwk["alg"] = json!("ES256");
        jwk["use"] = json!("sig");
        json!({ "keys": [jwk] })
    }

    /// `claims` signed as a compact JWS with ES256 under `header`, whose `alg` is set here.
    pub fn sign(&self, mut header: Value, claims: &Value) -> String {
        header["alg"] = json!("ES256");
        let input = format!(
            "{}.{}",
            B64.encode(header.to_string()),
            B64.encode(claims.to_string())
        );
        let signature: Signature = self.signing.sign(input.as_bytes());
        format!("{input}.{}", B64.encode(signature.to_bytes()))
    }
}

/// A fresh unique identifier (a `jti`, RFC 7519 §4.1.7): 128 random bits in base64url.
pub fn random_id() -> Result<String, Error> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)
        .map_err(|e| Error::Internal(format!("the OS random generator failed: {e}")))?;
    Ok(B64.encode(bytes))
}

/// The base64url SHA-256 of `value`: DPoP's `ath` (RFC 9449 §4.2) of an access token.
pub fn sha256_b64(value: &str) -> String {
    B64.encode(Sha256::digest(value.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use p256::ecdsa::VerifyingKey;
    use p256::ecdsa::signature::Verifier;

    fn part(token: &str, index: usize) -> Value {
        let part = token.split('.').nth(index).expect("part");
        serde_json::from_slice(&B64.decode(part).expect("base64url")).expect("JSON")
    }

    #[test]
    fn a_signature_verifies_with_the_published_key_and_nothing_secret_is_published() {
        let key = ProofKey::generate().expect("key");
        let token = key.sign(
            json!({"typ": "dpop+jwt", "jwk": key.public_jwk()}),
            &json!({"a": 1}),
        );
        assert_eq!(part(&token, 0)["alg"], "ES256");
        assert_eq!(part(&token, 1)["a"], 1);
        let jwk = &key.jwks()["keys"][0];
        assert!(jwk.get("d").is_none(), "no private part: {jwk}");
        assert_eq!(jwk["kid"], key.thumbprint());
        let mut point = vec![4u8];
        for coordinate in ["x", "y"] {
            point.extend(
                B64.decode(jwk[coordinate].as_str().expect("str"))
                    .expect("b64"),
            );
        }
        let public = VerifyingKey::from_sec1_bytes(&point).expect("point");
        let (input, signature) = token.rsplit_once('.').expect("three parts");
        let signature = Signature::from_slice(&B64.decode(signature).expect("b64")).expect("sig");
        public
            .verify(input.as_bytes(), &signature)
            .expect("verifies");
    }

    #[test]
    fn a_key_read_back_from_the_keyring_is_the_same_key() {
        let key = ProofKey::generate().expect("key");
        let again = ProofKey::from_secret(&key.secret()).expect("read back");
        assert_eq!(again.thumbprint(), key.thumbprint());
        assert!(ProofKey::from_secret(&Secret::new("not a key".into())).is_err());
        assert!(!format!("{key:?}").contains(key.secret().expose()));
    }

    #[test]
    fn the_thumbprint_follows_rfc_7638() {
        // RFC 7638 §3.1 computes over exactly `{"crv":…,"kty":…,"x":…,"y":…}`: recompute it
        // from the JWK's own members with serde_json's sorted maps.
        let key = ProofKey::generate().expect("key");
        let jwk = key.public_jwk();
        let canonical = serde_json::to_string(&json!({
            "crv": jwk["crv"], "kty": jwk["kty"], "x": jwk["x"], "y": jwk["y"],
        }))
        .expect("json");
        assert_eq!(
            key.thumbprint(),
            B64.encode(Sha256::digest(canonical.as_bytes()))
        );
        assert_ne!(
            ProofKey::generate().expect("key").thumbprint(),
            key.thumbprint()
        );
    }
}
