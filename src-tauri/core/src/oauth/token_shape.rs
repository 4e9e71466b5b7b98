//! What a token looks like from outside, for the Inspector: a signed JWT's header and claims
//! as text (RFC 7515 §7.1, compact serialization: three base64url parts), an unsigned one's
//! (`alg: none`, RFC 7519 §6) as unsigned, or only the length of anything else. The signature
//! is never kept, so what this gives can't stand in for the token; the claims are not checked
//! here (`id_token.rs` verifies ID tokens on arrival, and only verified ones are kept).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;

use crate::model::TokenShape;

/// The most bytes of header or claims text kept; a token larger than this is a provider's
/// mistake, and the window is not made to hold it.
pub const MAX_PART: usize = 64 * 1024;

pub fn shape(token: &str) -> TokenShape {
    let opaque = || TokenShape::Opaque {
        length: u32::try_from(token.chars().count()).unwrap_or(u32::MAX),
    };
    let mut parts = token.split('.');
    let (Some(header), Some(claims), Some(_signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return opaque();
    };
    match (text(header), text(claims)) {
        (Some(header), Some(claims)) if unsecured(&header) => {
            TokenShape::Unsecured { header, claims }
        }
        (Some(header), Some(claims)) => TokenShape::Jwt { header, claims },
        _ => opaque(),
    }
}

/// A JWT's `exp` claim (RFC 7519 §4.1.4), unverified: what the token says of its own end, for
/// display (a refresh token that is a JWT); `None` for an opaque token or one without `exp`.
pub fn expiry(token: &str) -> Option<i64> {
    let claims = match shape(token) {
        TokenShape::Jwt { claims, .. } | TokenShape::Unsecured { claims, .. } => claims,
        TokenShape::Opaque { .. } => return None,
    };
    serde_json::from_str::<serde_json::Value>(&claims)
        .ok()?
        .get("exp")?
        .as_i64()
}

/// Whether a JOSE header says `alg: none` (RFC 7519 §6), in any case: such a token is not
/// signed, whatever follows its last dot.
fn unsecured(header: &str) -> bool {
    serde_json::from_str::<serde_json::Value>(header)
        .ok()
        .and_then(|h| {
            h.get("alg")?
                .as_str()
                .map(|alg| alg.eq_ignore_ascii_case("none"))
        })
        .unwrap_or(false)
}

/// A base64url part as text: `None` unless it decodes (with or without padding, which
/// RFC 7515 §2 forbids but some issuers add) to at most [`MAX_PART`] bytes of UTF-8.
fn text(part: &str) -> Option<String> {
    if part.is_empty() || part.len() > MAX_PART * 4 / 3 + 4 {
        return None;
    }
    let bytes = B64.decode(part.trim_end_matches('=')).ok()?;
    String::from_utf8(bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(header: &str, claims: &str) -> String {
        format!("{}.{}.c2lnbmF0dXJl", B64.encode(header), B64.encode(claims))
    }

    #[test]
    fn a_jwts_expiry_is_its_exp_claim_and_an_opaque_token_has_none() {
        assert_eq!(
            expiry(&jwt(r#"{"alg":"RS256"}"#, r#"{"exp":1900000000}"#)),
            Some(1_900_000_000)
        );
        assert_eq!(expiry(&jwt(r#"{"alg":"RS256"}"#, r#"{"sub":"a"}"#)), None);
        assert_eq!(expiry("sbx_rt_0123456789"), None);
    }

    #[test]
    fn a_signed_jwt_shows_its_header_and_claims_and_never_its_signature() {
        let token = jwt(
            r#"{"alg":"RS256","kid":"k1"}"#,
            r#"{"sub":"alice","n":"é😀"}"#,
        );
        let TokenShape::Jwt { header, claims } = shape(&token) else {
            panic!("a JWT")
        };
        assert_eq!(header, r#"{"alg":"RS256","kid":"k1"}"#);
        assert_eq!(claims, r#"{"sub":"alice","n":"é😀"}"#);
        assert!(!format!("{header}{claims}").contains("signature"));
    }

    #[test]
    fn an_unsigned_jwt_is_told_as_unsigned_whatever_follows_its_last_dot() {
        let claims = r#"{"sub":"mallory"}"#;
        for (header, signature) in [
            (r#"{"alg":"none"}"#, ""),
            (r#"{"alg":"None","typ":"JWT"}"#, ""),
            (r#"{"alg":"none"}"#, "c2lnbmF0dXJl"),
        ] {
            let token = format!("{}.{}.{signature}", B64.encode(header), B64.encode(claims));
            assert_eq!(
                shape(&token),
                TokenShape::Unsecured {
                    header: header.into(),
                    claims: claims.into()
                },
                "{header}"
            );
        }
    }

    #[test]
    fn anything_else_is_opaque_and_only_its_length_is_told() {
        for token in [
            "sbx_at_0123456789",
            "a.b",
            "a.b.c.d.e",
            "!!!.???.sig",
            ".e30.sig",
            &format!("{}.{}.s", B64.encode([0xff, 0xfe]), B64.encode("{}")),
        ] {
            assert_eq!(
                shape(token),
                TokenShape::Opaque {
                    length: token.chars().count() as u32
                },
                "{token}"
            );
        }
    }

    #[test]
    fn claims_that_are_not_json_still_show_as_text_for_the_window_to_explain() {
        let token = jwt("{}", "not json");
        assert_eq!(
            shape(&token),
            TokenShape::Jwt {
                header: "{}".into(),
                claims: "not json".into()
            }
        );
    }

    #[test]
    fn padding_is_accepted_and_an_enormous_part_is_not_decoded() {
        let padded = format!("{}.{}.s", "e30=", "eyJhIjoxfQ==");
        assert!(matches!(shape(&padded), TokenShape::Jwt { .. }));
        let huge = jwt("{}", &format!(r#"{{"a":"{}"}}"#, "x".repeat(MAX_PART + 1)));
        assert!(matches!(shape(&huge), TokenShape::Opaque { .. }));
    }
}
