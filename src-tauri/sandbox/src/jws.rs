//! Checking the compact JWS (RFC 7515) that clients sign: `private_key_jwt` client assertions
//! (RFC 7523 §3) and DPoP proofs (RFC 9449 §4.3). Only ES256 over P-256 (RFC 7518 §3.4) is
//! taken, the one algorithm Grantry signs with; any other `alg`, `none` included, is refused
//! before a key is looked at, so a header can never choose how it is checked (RFC 8725 §3.1).
//!
//! Invariants: a token verifies only with the key it is checked against; a JWK with a private
//! part (`d`) is refused as a public key; the thumbprint is RFC 7638's, written out exactly.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use p256::ecdsa::signature::Verifier;
use p256::ecdsa::{Signature, VerifyingKey};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// A signed token, its signature checked: its protected header and its claims.
#[derive(Debug, Clone, PartialEq)]
pub struct Verified {
    pub header: Value,
    pub claims: Value,
}

/// The header of a compact JWS, not yet verified: to learn which key to check it with.
pub fn header(token: &str) -> Result<Value, String> {
    let (header, _, _) = parts(token)?;
    json_part(header, "header")
}

/// The claims of a compact JWS, not yet verified: only to learn who it says it is from
/// (a client assertion's `sub`), never to trust.
pub fn claims_unverified(token: &str) -> Result<Value, String> {
    let (_, claims, _) = parts(token)?;
    json_part(claims, "claims")
}

/// Verifies `token` with the public `jwk`: ES256 only, the signature over the signing input,
/// header and claims JSON objects.
pub fn verify(token: &str, jwk: &Value) -> Result<Verified, String> {
    let (header_part, claims_part, signature_part) = parts(token)?;
    let header = json_part(header_part, "header")?;
    if header["alg"] != "ES256" {
        return Err(format!("alg {} is not accepted, only ES256", header["alg"]));
    }
    let key = public_key(jwk)?;
    let signature = B64
        .decode(signature_part)
        .ok()
        .and_then(|bytes| Signature::from_slice(&bytes).ok())
        .ok_or("the signature is not an ES256 signature")?;
    let input = &token[..header_part.len() + 1 + claims_part.len()];
    key.verify(input.as_bytes(), &signature)
        .map_err(|_| "the signature does not verify with the client's key".to_owned())?;
    Ok(Verified {
        header,
        claims: json_part(claims_part, "claims")?,
    })
}

/// The RFC 7638 thumbprint of a public P-256 JWK, base64url of its SHA-256.
pub fn thumbprint(jwk: &Value) -> Result<String, String> {
    public_key(jwk)?;
    let canonical = format!(
        r#"{{"crv":"P-256","kty":"EC","x":"{}","y":"{}"}}"#,
        jwk["x"].as_str().unwrap_or_default(),
        jwk["y"].as_str().unwrap_or_default()
    );
    Ok(B64.encode(Sha256::digest(canonical.as_bytes())))
}

/// The P-256 public key a JWK names: `kty` EC, `crv` P-256, `x` and `y` on the curve, no `d`.
fn public_key(jwk: &Value) -> Result<VerifyingKey, String> {
    if jwk.get("d").is_some() {
        return Err("the key has a private part; only a public key is accepted".into());
    }
    if jwk["kty"] != "EC" || jwk["crv"] != "P-256" {
        return Err("the key is not an EC P-256 key".into());
    }
    let mut point = vec![4u8];
    for coordinate in ["x", "y"] {
        let bytes = jwk[coordinate]
            .as_str()
            .and_then(|text| B64.decode(text).ok())
            .filter(|bytes| bytes.len() == 32)
            .ok_or_else(|| format!("the key's {coordinate} is not 32 bytes of base64url"))?;
        point.extend(bytes);
    }
    VerifyingKey::from_sec1_bytes(&point).map_err(|_| "the key is not on the P-256 curve".into())
}

fn parts(token: &str) -> Result<(&str, &str, &str), String> {
    let mut parts = token.split('.');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(header), Some(claims), Some(signature), None) => Ok((header, claims, signature)),
        _ => Err("it is not a compact JWS of three parts".into()),
    }
}

fn json_part(part: &str, what: &str) -> Result<Value, String> {
    let value: Value = B64
        .decode(part)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .ok_or_else(|| format!("its {what} is not base64url JSON"))?;
    if value.is_object() {
        Ok(value)
    } else {
        Err(format!("its {what} is not a JSON object"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use p256::ecdsa::SigningKey;
    use p256::ecdsa::signature::Signer;
    use serde_json::json;

    fn key() -> (SigningKey, Value) {
        let mut bytes = [0u8; 32];
        crate::random::fill(&mut bytes);
        let signing = SigningKey::from_slice(&bytes).expect("scalar");
        let point = signing.verifying_key().to_sec1_point(false);
        let jwk = json!({
            "kty": "EC", "crv": "P-256",
            "x": B64.encode(point.x().expect("x")), "y": B64.encode(point.y().expect("y")),
        });
        (signing, jwk)
    }

    fn sign(signing: &SigningKey, header: &Value, claims: &Value) -> String {
        let input = format!(
            "{}.{}",
            B64.encode(header.to_string()),
            B64.encode(claims.to_string())
        );
        let signature: Signature = signing.sign(input.as_bytes());
        format!("{input}.{}", B64.encode(signature.to_bytes()))
    }

    #[test]
    fn a_token_verifies_with_its_key_only() {
        let (signing, jwk) = key();
        let token = sign(&signing, &json!({"alg": "ES256"}), &json!({"jti": "1"}));
        let verified = verify(&token, &jwk).expect("verifies");
        assert_eq!(verified.claims["jti"], "1");
        let (_, other) = key();
        assert!(verify(&token, &other).is_err());
    }

    #[test]
    fn other_algorithms_tampering_and_private_keys_are_refused() {
        let (signing, jwk) = key();
        let none = format!(
            "{}.{}.",
            B64.encode(json!({"alg": "none"}).to_string()),
            B64.encode("{}")
        );
        assert!(verify(&none, &jwk).expect_err("alg none").contains("alg"));
        let token = sign(&signing, &json!({"alg": "ES256"}), &json!({"sub": "a"}));
        let (head, rest) = token.split_once('.').expect("parts");
        let (_, signature) = rest.split_once('.').expect("parts");
        let forged = format!("{head}.{}.{signature}", B64.encode(r#"{"sub":"b"}"#));
        assert!(verify(&forged, &jwk).is_err());
        let mut private = jwk.clone();
        private["d"] = json!("AAAA");
        assert!(verify(&token, &private).is_err());
        assert!(verify("a.b", &jwk).is_err());
        assert!(header("!!.b.c").is_err());
    }

    #[test]
    fn the_thumbprint_is_rfc_7638s() {
        // The example key of RFC 7638 §3.1 is RSA; this checks the EC members' order instead.
        let (_, jwk) = key();
        let sorted = serde_json::to_string(&json!({
            "crv": "P-256", "kty": "EC", "x": jwk["x"], "y": jwk["y"],
        }))
        .expect("json");
        assert_eq!(
            thumbprint(&jwk).expect("thumbprint"),
            B64.encode(Sha256::digest(sorted.as_bytes()))
        );
    }
}
