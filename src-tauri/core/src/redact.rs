//! The one place that decides what is a credential and masks it, wherever text leaves the
//! process's memory: the activity history, the HTTP log, error messages shown or printed. It
//! holds the single list of credential names (OAuth 2 parameters and token response fields,
//! RFC 6749, RFC 7636, RFC 7009, RFC 7662, and the providers' own) and one masking function
//! per shape: URLs, form bodies, JSON, free text.
//!
//! Masking replaces a value with a readable `[redacted]`; it never drops the name, so a reader
//! still sees which field was there.

/// What a masked value reads as.
pub const MASK: &str = "[redacted]";

/// Names whose values are credentials, wherever they appear: query and form parameters, JSON
/// fields.
const CREDENTIALS: &[&str] = &[
    "code",
    "code_verifier",
    "access_token",
    "refresh_token",
    "id_token",
    "token",
    "client_secret",
    "fb_exchange_token",
    "input_token",
    "assertion",
    "password",
];

/// The most bytes of a body kept in the HTTP log.
const MAX_KEPT_BODY: usize = 4096;

/// Whether a parameter or field of this name carries a credential.
pub fn is_credential(name: &str) -> bool {
    CREDENTIALS.contains(&name)
}

/// A URL for display: credential parameter values masked, every other value as in the URL,
/// and no fragment (an implicit-flow fragment would carry tokens).
pub fn url(url: &url::Url) -> String {
    let mut shown = url.clone();
    shown.set_fragment(None);
    shown.set_query(None);
    let mut text = shown.to_string();
    if url.query().is_some() {
        text.push('?');
        text.push_str(&pairs(url.query_pairs()));
    }
    text
}

/// [`url`] for a URL still in text form; text that is no URL is not shown at all.
pub fn url_text(raw: &str) -> String {
    url::Url::parse(raw).map_or_else(|_| "[unparseable URL]".to_owned(), |parsed| url(&parsed))
}

/// `name=value` pairs joined with `&`, credential values masked.
fn pairs<'a>(
    pairs: impl Iterator<Item = (std::borrow::Cow<'a, str>, std::borrow::Cow<'a, str>)>,
) -> String {
    let encode =
        |text: &str| -> String { url::form_urlencoded::byte_serialize(text.as_bytes()).collect() };
    pairs
        .map(|(name, value)| {
            let value = if is_credential(&name) {
                MASK.to_owned()
            } else {
                encode(&value)
            };
            format!("{}={value}", encode(&name))
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// Masks credential fields anywhere in a JSON value, nested objects and arrays included.
pub fn json(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            for (name, value) in map.iter_mut() {
                if is_credential(name) && !value.is_null() {
                    *value = serde_json::Value::String(MASK.into());
                } else {
                    json(value);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(json),
        _ => {}
    }
}

/// A request or response body for the HTTP log: JSON and form bodies with credentials masked;
/// anything else kept only when it names no credential (an HTML error page); cut to a readable
/// size.
pub fn body(body: &[u8]) -> String {
    if body.is_empty() {
        return String::new();
    }
    if let Ok(mut value) = serde_json::from_slice::<serde_json::Value>(body) {
        json(&mut value);
        return truncate(value.to_string());
    }
    let text = String::from_utf8_lossy(body);
    let looks_like_form = !text.contains(['<', '{', ' ', '\n']) && text.contains('=');
    if looks_like_form {
        return truncate(pairs(url::form_urlencoded::parse(body)));
    }
    if CREDENTIALS.iter().any(|name| text.contains(name)) {
        return format!("[{} bytes, not shown: they may hold a secret]", body.len());
    }
    truncate(text.into_owned())
}

/// Free text, such as an error message: the value after any `name=` or `"name":` whose name
/// is a credential is masked, up to the next delimiter.
pub fn text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some((start, value_at)) = next_credential(rest) {
        out.push_str(&rest[..value_at]);
        let value = &rest[value_at..];
        let quoted = value.starts_with('"');
        let body = if quoted { &value[1..] } else { value };
        let end = body
            .find(|c: char| {
                c.is_whitespace() || matches!(c, '&' | '"' | '\'' | ',' | ';' | ')' | '}' | '#')
            })
            .unwrap_or(body.len());
        if quoted {
            out.push('"');
        }
        out.push_str(MASK);
        rest = &body[end..];
        debug_assert!(start <= value_at);
    }
    out.push_str(rest);
    out
}

/// The next credential `name=` or `"name":` in `text`: where the name starts and where its
/// value starts.
fn next_credential(text: &str) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut best: Option<(usize, usize)> = None;
    for name in CREDENTIALS {
        let mut from = 0;
        while let Some(found) = text[from..].find(name) {
            let start = from + found;
            let end = start + name.len();
            from = end;
            let before = start.checked_sub(1).map(|i| bytes[i]);
            let boundary = before.is_none_or(|b| !(b.is_ascii_alphanumeric() || b == b'_'));
            let value_at = if text[end..].starts_with('=') {
                Some(end + 1)
            } else if text[end..].starts_with("\":") && before == Some(b'"') {
                let spaces = text[end + 2..].len() - text[end + 2..].trim_start().len();
                Some(end + 2 + spaces)
            } else {
                None
            };
            if let (true, Some(value_at)) = (boundary, value_at) {
                if best.is_none_or(|(s, _)| start < s) {
                    best = Some((start, value_at));
                }
                break;
            }
        }
    }
    best
}

fn truncate(mut text: String) -> String {
    if text.len() > MAX_KEPT_BODY {
        let mut cut = MAX_KEPT_BODY;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
        text.push('…');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_credential_is_masked_in_urls_forms_and_json() {
        for name in CREDENTIALS {
            let shown = url_text(&format!("dev.grantry:/x?{name}=hunter2&a=1#frag"));
            assert!(!shown.contains("hunter2"), "{name} leaked: {shown}");
            assert!(shown.contains("a=1") && !shown.contains("frag"), "{shown}");
            let form = body(format!("{name}=hunter2&grant_type=x").as_bytes());
            assert!(
                !form.contains("hunter2") && form.contains("grant_type=x"),
                "{form}"
            );
            let json = body(format!(r#"{{"n":{{"{name}":"hunter2"}},"k":1}}"#).as_bytes());
            assert!(
                !json.contains("hunter2") && json.contains("\"k\":1"),
                "{json}"
            );
        }
    }

    #[test]
    fn callbacks_read_with_the_code_masked() {
        assert_eq!(
            url_text("dev.grantry:/oauth/callback?code=SplxlOBe&state=af0i#tok"),
            "dev.grantry:/oauth/callback?code=[redacted]&state=af0i"
        );
    }

    #[test]
    fn other_bodies_are_kept_unless_they_name_a_credential() {
        assert!(body(b"<html><body>502 Bad Gateway</body></html>").contains("502"));
        assert!(!body(b"something access_token secretvalue").contains("secretvalue"));
        assert!(body(&vec![b'a'; 10_000]).len() < 5_000);
    }

    #[test]
    fn free_text_is_masked_after_credential_names() {
        let masked = text(
            r#"bad answer: {"access_token": "ya29.x", "n": 1} at /t?code=abc&state=s; secretive"#,
        );
        assert!(
            !masked.contains("ya29.x") && !masked.contains("abc&"),
            "{masked}"
        );
        assert!(
            masked.contains("state=s") && masked.contains("secretive"),
            "{masked}"
        );
        assert_eq!(text("no credentials here"), "no credentials here");
        assert_eq!(text("recode=1 decoded"), "recode=1 decoded");
    }
}
