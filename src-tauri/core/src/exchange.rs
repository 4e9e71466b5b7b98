//! The HTTP exchange log (A1, Q1): every request Grantry makes to a provider during a link,
//! refresh, revocation or scope check, with its answer, kept per account for QA testers. Every
//! secret is masked before an exchange is recorded: credential fields in forms, JSON and URLs,
//! and headers are not kept at all.
//!
//! Recording is scoped: [`recorded`] runs an operation and collects what [`Http`] sent during
//! it; outside such a scope nothing is recorded.
//!
//! [`Http`]: crate::http::Http

use std::future::Future;
use std::sync::Mutex;

use serde::Serialize;
use ts_rs::TS;

/// Fields whose values are credentials, wherever they appear.
const SECRET_FIELDS: &[&str] = &[
    "access_token",
    "refresh_token",
    "id_token",
    "code",
    "code_verifier",
    "client_secret",
    "token",
    "fb_exchange_token",
    "input_token",
    "assertion",
    "password",
];

const MASK: &str = "[redacted]";
/// The most bytes of a body kept in the log.
const MAX_LOGGED_BODY: usize = 4096;

/// One request and its answer, masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Exchange {
    pub at: i64,
    pub method: String,
    pub url: String,
    /// `None` when no answer came (connection refused, timeout).
    pub status: Option<u16>,
    pub request_body: String,
    pub response_body: String,
    pub duration_ms: u64,
    pub error: Option<String>,
}

tokio::task_local! {
    static LOG: Mutex<Vec<Exchange>>;
}

/// Runs `operation`, returning its output and the exchanges it made.
pub async fn recorded<F: Future>(operation: F) -> (F::Output, Vec<Exchange>) {
    LOG.scope(Mutex::new(Vec::new()), async {
        let output = operation.await;
        let log = LOG.with(|log| {
            log.lock()
                .map(|mut l| std::mem::take(&mut *l))
                .unwrap_or_default()
        });
        (output, log)
    })
    .await
}

/// Adds an exchange to the current recording, if there is one.
pub(crate) fn record(exchange: Exchange) {
    let _ = LOG.try_with(|log| {
        if let Ok(mut log) = log.lock() {
            log.push(exchange);
        }
    });
}

fn is_secret(key: &str) -> bool {
    SECRET_FIELDS.contains(&key)
}

/// A URL with secret query values masked.
pub fn mask_url(url: &str) -> String {
    let Ok(mut parsed) = url::Url::parse(url) else {
        return "[unparseable URL]".into();
    };
    if parsed.query().is_some() {
        let pairs: Vec<(String, String)> = parsed
            .query_pairs()
            .map(|(k, v)| {
                let v = if is_secret(&k) {
                    MASK.into()
                } else {
                    v.into_owned()
                };
                (k.into_owned(), v)
            })
            .collect();
        parsed.query_pairs_mut().clear().extend_pairs(pairs);
    }
    parsed.to_string()
}

/// A body with secret values masked: JSON, or form-encoded; anything else is kept only when
/// it names no secret field (an HTML error page), and cut to a readable size.
pub fn mask_body(body: &[u8]) -> String {
    if body.is_empty() {
        return String::new();
    }
    if let Ok(mut json) = serde_json::from_slice::<serde_json::Value>(body) {
        mask_json(&mut json);
        return truncate(json.to_string());
    }
    let text = String::from_utf8_lossy(body);
    let looks_like_form = !text.contains(['<', '{', ' ', '\n']) && text.contains('=');
    if looks_like_form {
        let mut form = url::form_urlencoded::Serializer::new(String::new());
        for (key, value) in url::form_urlencoded::parse(body) {
            let value = if is_secret(&key) { MASK.into() } else { value };
            form.append_pair(&key, &value);
        }
        return truncate(form.finish());
    }
    if SECRET_FIELDS.iter().any(|field| text.contains(field)) {
        return format!("[{} bytes, not shown: they may hold a secret]", body.len());
    }
    truncate(text.into_owned())
}

fn mask_json(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                if is_secret(key) && !value.is_null() {
                    *value = serde_json::Value::String(MASK.into());
                } else {
                    mask_json(value);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(mask_json),
        _ => {}
    }
}

fn truncate(mut text: String) -> String {
    if text.len() > MAX_LOGGED_BODY {
        let mut cut = MAX_LOGGED_BODY;
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
    fn secrets_are_masked_in_json_forms_and_urls() {
        let json = mask_body(
            br#"{"access_token":"ya29.x","expires_in":3600,"nested":{"refresh_token":"1//y"}}"#,
        );
        assert!(!json.contains("ya29.x") && !json.contains("1//y"), "{json}");
        assert!(json.contains("3600") && json.contains(MASK));
        let form =
            mask_body(b"grant_type=authorization_code&code=abc&code_verifier=def&client_id=app");
        assert_eq!(
            form,
            "grant_type=authorization_code&code=%5Bredacted%5D&code_verifier=%5Bredacted%5D&client_id=app"
        );
        let url = mask_url("https://p.example/revoke?token=secret&x=1");
        assert!(!url.contains("secret") && url.contains("x=1"), "{url}");
        let html = mask_body(b"<html><body>502 Bad Gateway</body></html>");
        assert!(html.contains("502"));
        let odd = mask_body(b"something access_token secretvalue");
        assert!(!odd.contains("secretvalue"), "{odd}");
    }
}
