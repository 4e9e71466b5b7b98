//! The sandbox's signing key (ES256, P-256), generated at first start, published as a JWKS and
//! used to sign ID tokens (JWS compact serialisation, RFC 7515). The admin API can rotate it
//! (`POST /_sandbox/rotate-key`): the new key signs from then on, and the one it replaced stays
//! in the JWKS until the next rotation, so ID tokens signed just before still verify, as at a
//! provider that overlaps its keys.
//!
//! Invariants: the key id is derived from the public key, so it changes exactly when the key
//! does and survives a restart from the state file. The private part is never published: only
//! `x` and `y` go into the JWKS (RFC 7517), and the secret bytes leave this file only for the
//! state file. Only the current key signs.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

pub struct Keys {
    signing: SigningKey,
    kid: String,
    /// The key the last rotation replaced: published, never used to sign.
    previous: Option<Box<Keys>>,
}

impl Keys {
    /// A new random key.
    pub fn generate() -> Self {
        loop {
            let mut bytes = [0u8; 32];
            crate::random::fill(&mut bytes);
            // A random 32-byte string is a valid scalar except with negligible probability.
            if let Ok(keys) = Self::from_secret_bytes(&bytes) {
                return keys;
            }
        }
    }

    /// The key from its 32 secret bytes (as [`Keys::secret_bytes`] gave them).
    pub fn from_secret_bytes(bytes: &[u8]) -> Result<Self, p256::ecdsa::Error> {
        let signing = SigningKey::from_slice(bytes)?;
        let point = signing.verifying_key().to_sec1_point(false);
        // The key id is a digest of the public key, so it changes exactly when the key does.
        let kid = B64.encode(&Sha256::digest(point.as_bytes())[..12]);
        Ok(Self {
            signing,
            kid,
            previous: None,
        })
    }

    /// The current key, with the one it replaced (both as [`Keys::secret_bytes`] gave them).
    pub fn with_previous(current: &[u8], previous: &[u8]) -> Result<Self, p256::ecdsa::Error> {
        let mut keys = Self::from_secret_bytes(current)?;
        keys.previous = Some(Box::new(Self::from_secret_bytes(previous)?));
        Ok(keys)
    }

    pub fn secret_bytes(&self) -> Vec<u8> {
        self.signing.to_bytes().to_vec()
    }

    /// The replaced key's secret bytes, while it is still published.
    pub fn previous_secret_bytes(&self) -> Option<Vec<u8>> {
        self.previous.as_ref().map(|p| p.secret_bytes())
    }

    #[cfg(test)]
    fn kid(&self) -> &str {
        &self.kid
    }

    /// Replaces the signing key with a new one; the old one stays published until the next
    /// rotation. Returns the new key id.
    pub fn rotate(&mut self) -> String {
        let mut new = Self::generate();
        let old = std::mem::replace(&mut self.signing, new.signing.clone());
        let old_kid = std::mem::replace(&mut self.kid, new.kid.clone());
        new.signing = old;
        new.kid = old_kid;
        self.previous = Some(Box::new(new));
        self.kid.clone()
    }

    fn jwk(&self) -> Value {
        let point = self.signing.verifying_key().to_sec1_point(false);
        let (x, y) = (
            point.x().expect("uncompressed"),
            point.y().expect("uncompressed"),
        );
        json!({
            "kty": "EC",
            "crv": "P-256",
            "alg": "ES256",
            "use": "sig",
            "kid": self.kid,
            "x": B64.encode(x),
            "y": B64.encode(y),
        })
    }

    /// The public keys as a JSON Web Key Set (RFC 7517): the current one first.
    pub fn jwks(&self) -> Value {
        let mut keys = vec![self.jwk()];
        keys.extend(self.previous.as_ref().map(|p| p.jwk()));
        json!({ "keys": keys })
    }

    /// `claims` signed as a compact JWS with ES256.
    pub fn sign(&self, claims: &Value) -> String {
        let input = signing_input("ES256", Some(&self.kid), claims);
        let signature: Signature = self.signing.sign(input.as_bytes());
        format!("{input}.{}", B64.encode(signature.to_bytes()))
    }

    /// The claims of a compact JWS this sandbox signed (ES256, with the current key or the one
    /// it replaced, named by `kid`), or `None` for anything else. Only the signature is
    /// checked; what the claims say is the caller's to judge.
    pub fn verify(&self, jwt: &str) -> Option<Value> {
        use p256::ecdsa::signature::Verifier;
        let (input, signature) = jwt.rsplit_once('.')?;
        let (header, claims) = input.split_once('.')?;
        let header: Value = serde_json::from_slice(&B64.decode(header).ok()?).ok()?;
        if header["alg"] != "ES256" {
            return None;
        }
        let kid = header["kid"].as_str()?;
        let key = std::iter::once(self)
            .chain(self.previous.as_deref())
            .find(|k| k.kid == kid)?;
        let signature = Signature::from_slice(&B64.decode(signature).ok()?).ok()?;
        key.signing
            .verifying_key()
            .verify(input.as_bytes(), &signature)
            .ok()?;
        serde_json::from_slice(&B64.decode(claims).ok()?).ok()
    }

    /// `claims` "signed" with HS256 keyed with the current public key (its uncompressed SEC1
    /// point, which anyone can build from the JWKS), under the current key id: the forgery of
    /// RFC 8725 §2.1 that a verifier taking the header's `alg` with "the key" would accept.
    /// Only the `id_token_hmac` fault makes one (`src/faults.rs`).
    pub fn sign_hmac_with_public_key(&self, claims: &Value) -> String {
        use hmac::{Hmac, KeyInit, Mac};
        let input = signing_input("HS256", Some(&self.kid), claims);
        let public = self.signing.verifying_key().to_sec1_point(false);
        // HMAC takes a key of any length.
        let mut mac = Hmac::<Sha256>::new_from_slice(public.as_bytes()).expect("any key length");
        mac.update(input.as_bytes());
        format!("{input}.{}", B64.encode(mac.finalize().into_bytes()))
    }
}

/// `claims` as an Unsecured JWT (`alg: none`, an empty signature, RFC 7519 §6), as a forger
/// with no key would send. Only the `id_token_alg_none` fault makes one (`src/faults.rs`).
pub fn unsecured(claims: &Value) -> String {
    format!("{}.", signing_input("none", None, claims))
}

/// The JWS signing input (RFC 7515 §5.1): the header with `alg` (and `kid`), then the claims,
/// each base64url-encoded.
fn signing_input(alg: &str, kid: Option<&str>, claims: &Value) -> String {
    let mut header = json!({"alg": alg, "typ": "JWT"});
    if let Some(kid) = kid {
        header["kid"] = json!(kid);
    }
    format!(
        "{}.{}",
        B64.encode(header.to_string()),
        B64.encode(claims.to_string())
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use p256::ecdsa::signature::Verifier;

    #[test]
    fn signed_tokens_verify_with_the_published_key() {
        let keys = Keys::generate();
        let token = keys.sign(&json!({"sub": "alice"}));
        let parts: Vec<&str> = token.split('.').collect();
        assert_eq!(parts.len(), 3);
        let header: Value =
            serde_json::from_slice(&B64.decode(parts[0]).expect("b64")).expect("header json");
        assert_eq!(header["kid"], keys.kid());
        let signature =
            Signature::from_slice(&B64.decode(parts[2]).expect("b64")).expect("signature");
        let input = format!("{}.{}", parts[0], parts[1]);
        keys.signing
            .verifying_key()
            .verify(input.as_bytes(), &signature)
            .expect("valid signature");
    }

    #[test]
    fn only_tokens_signed_here_verify() {
        let mut keys = Keys::generate();
        let claims = json!({"sub": "alice"});
        let signed = keys.sign(&claims);
        assert_eq!(keys.verify(&signed), Some(claims.clone()));
        keys.rotate();
        assert_eq!(
            keys.verify(&signed),
            Some(claims.clone()),
            "the replaced key"
        );
        assert_eq!(keys.verify(&keys.sign_hmac_with_public_key(&claims)), None);
        assert_eq!(keys.verify(&unsecured(&claims)), None);
        assert_eq!(keys.verify(&Keys::generate().sign(&claims)), None);
        let (input, _) = signed.rsplit_once('.').expect("three parts");
        let tampered = input.replacen('.', ".e30", 1);
        assert_eq!(keys.verify(&format!("{tampered}.x")), None);
    }

    #[test]
    fn the_forgeries_say_what_they_are() {
        use hmac::{Hmac, KeyInit, Mac};
        let header = |token: &str| -> Value {
            let part = token.split('.').next().expect("header");
            serde_json::from_slice(&B64.decode(part).expect("b64")).expect("json")
        };
        let claims = json!({"sub": "alice"});
        let unsigned = unsecured(&claims);
        assert!(unsigned.ends_with('.'), "an empty signature: {unsigned}");
        assert_eq!(header(&unsigned)["alg"], "none");

        let keys = Keys::generate();
        let forged = keys.sign_hmac_with_public_key(&claims);
        assert_eq!(header(&forged)["alg"], "HS256");
        let (input, signature) = forged.rsplit_once('.').expect("three parts");
        let public = keys.signing.verifying_key().to_sec1_point(false);
        let mut mac = Hmac::<Sha256>::new_from_slice(public.as_bytes()).expect("key");
        mac.update(input.as_bytes());
        mac.verify_slice(&B64.decode(signature).expect("b64"))
            .expect("keyed with the public key");
    }

    #[test]
    fn a_restored_key_keeps_its_id() {
        let keys = Keys::generate();
        let restored = Keys::from_secret_bytes(&keys.secret_bytes()).expect("restore");
        assert_eq!(restored.kid(), keys.kid());
        assert_eq!(restored.jwks(), keys.jwks());
    }
}
