//! The one place that decides what is a credential and masks it, wherever text leaves the
//! process's memory: the activity history, the HTTP log, error messages shown or printed. It
//! holds the single list of credential names (OAuth 2 parameters and token response fields,
//! RFC 6749, RFC 7636, RFC 7009, RFC 7662, RFC 7521, RFC 8628, RFC 8693, OpenID Connect, and
//! the providers' own) and one masking function per shape: URLs, form bodies, JSON, free text.
//!
//! Names match whatever their case and spelling (`access_token`, `accessToken`,
//! `Access-Token`). Some values are masked whatever their name: the user and password of a URL
//! (`https://user:pass@host`), and anything shaped like a JWT (`eyJ…` in three dot-separated
//! base64url parts, RFC 7519), since ID tokens and assertions travel under many names.
//!
//! Masking replaces a value with a readable `[redacted]`; it never drops the name, so a reader
//! still sees which field was there. Where more than this user may read (stderr, kept by the
//! system journal), [`personal`] also masks email addresses and a link's one-time values.
//!
//! One file over 400 lines on purpose: about half of it is the tests of every shape and
//! spelling, which belong beside the one list they check.

/// What a masked value reads as.
pub const MASK: &str = "[redacted]";

/// Names whose values are credentials, wherever they appear: query and form parameters, JSON
/// fields. Written in snake case; see [`is_credential`] for the spellings that match.
const CREDENTIALS: &[&str] = &[
    "code",
    "code_verifier",
    "device_code",
    "access_token",
    "refresh_token",
    "id_token",
    "id_token_hint",
    "token",
    "subject_token",
    "actor_token",
    "client_secret",
    "client_assertion",
    "fb_exchange_token",
    "input_token",
    "assertion",
    "password",
    // An account's DPoP private key, as its keyring item names it (`secret_store/`).
    "dpop_key",
];

/// The most bytes of a body kept in the HTTP log.
const MAX_KEPT_BODY: usize = 4096;

/// A name as it is compared: lowercase, without `_` and `-`, so that `access_token`,
/// `accessToken` and `ACCESS-TOKEN` all read `accesstoken`.
fn folds(name: &str) -> impl Iterator<Item = char> + '_ {
    name.chars()
        .filter(|c| !matches!(c, '_' | '-'))
        .map(|c| c.to_ascii_lowercase())
}

fn folded(name: &str) -> String {
    folds(name).collect()
}

/// Whether a parameter or field of this name carries a credential, in any case and in snake,
/// camel or kebab case.
pub fn is_credential(name: &str) -> bool {
    CREDENTIALS.iter().any(|known| folds(known).eq(folds(name)))
}

/// A URL for display: credential parameter values masked, other values masked where they hold
/// a JWT, the user and password masked, and no fragment (an implicit-flow fragment would carry
/// tokens).
pub fn url(url: &url::Url) -> String {
    let mut shown = url.clone();
    shown.set_fragment(None);
    shown.set_query(None);
    let had_user = !url.username().is_empty();
    let had_password = url.password().is_some();
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    let mut text = shown.to_string();
    if had_user || had_password {
        // The authority follows `scheme://`; with no user left, the URL has exactly one.
        let userinfo = if had_password {
            format!("{MASK}:{MASK}@")
        } else {
            format!("{MASK}@")
        };
        if let Some(at) = text.find("://") {
            text.insert_str(at + 3, &userinfo);
        }
    }
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

/// `name=value` pairs joined with `&`, credential values masked, other values as [`text`].
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
                // Encoded around the masks, so that they read as in every other place.
                let masked = self::text(&value);
                let parts: Vec<String> = masked.split(MASK).map(encode).collect();
                parts.join(MASK)
            };
            format!("{}={value}", encode(&name))
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// Masks credential fields anywhere in a JSON value, nested objects and arrays included;
/// every other string is masked as [`text`].
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
        serde_json::Value::String(string) => *string = text(string),
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
    let folded_text = folded(&text);
    if CREDENTIALS
        .iter()
        .any(|name| folded_text.contains(&folded(name)))
    {
        return format!("[{} bytes, not shown: they may hold a secret]", body.len());
    }
    truncate(self::text(&text))
}

/// Free text, such as an error message: the value after any `name=` or `"name":` whose name
/// is a credential is masked, up to the next delimiter; so are URL users and passwords and
/// JWT-shaped values wherever they are.
pub fn text(text: &str) -> String {
    jwts(&userinfo(&named(text, is_credential)))
}

/// Names whose values are no credentials but tell who the person is or which sign-in is under
/// way: a link's `state` (RFC 6749 §10.12), `nonce` (OpenID Connect Core §3.1.2.1), PKCE
/// `code_challenge` (RFC 7636 §4.2) and `login_hint` (OpenID Connect Core §3.1.2.1). The
/// history and the log file, this user's only, keep them; [`personal`] masks them.
const PERSONAL: &[&str] = &["state", "nonce", "code_challenge", "login_hint"];

/// Text for where more than this user may read it: stderr, which the system journal keeps
/// when the desktop starts the app. [`text`], then the values of [`PERSONAL`] names and every
/// email address masked: a whole authorization URL in a launcher's error keeps its endpoint,
/// client and scopes, and loses its `state`, `nonce`, challenge and hint.
pub fn personal(text: &str) -> String {
    let personal = |name: &str| PERSONAL.iter().any(|known| folds(known).eq(folds(name)));
    emails(&named(&self::text(text), personal))
}

/// Whether a byte can be part of a parameter or field name.
fn is_name_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'-'
}

/// Masks the value after each `name=` or `"name":` whose name is `masked`.
fn named(text: &str, masked: impl Fn(&str) -> bool) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let (mut copied, mut at) = (0, 0);
    while at < bytes.len() {
        if !is_name_byte(bytes[at]) {
            at += 1;
            continue;
        }
        let start = at;
        while at < bytes.len() && is_name_byte(bytes[at]) {
            at += 1;
        }
        let after = &text[at..];
        let value_at = if after.starts_with('=') {
            at + 1
        } else if after.starts_with("\":") && start > 0 && bytes[start - 1] == b'"' {
            let spaced = &after[2..];
            at + 2 + spaced.len() - spaced.trim_start().len()
        } else {
            continue;
        };
        if !masked(&text[start..at]) {
            continue;
        }
        let value = &text[value_at..];
        let quoted = value.starts_with('"');
        let unquoted = if quoted { &value[1..] } else { value };
        let end = unquoted
            .find(|c: char| {
                c.is_whitespace() || matches!(c, '&' | '"' | '\'' | ',' | ';' | ')' | '}' | '#')
            })
            .unwrap_or(unquoted.len());
        out.push_str(&text[copied..value_at]);
        if quoted {
            out.push('"');
        }
        out.push_str(MASK);
        at = value_at + usize::from(quoted) + end;
        copied = at;
    }
    out.push_str(&text[copied..]);
    out
}

/// Masks the user and password of every `scheme://user:password@host` (RFC 3986 §3.2.1).
fn userinfo(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(found) = rest.find("://") {
        let (before, after) = rest.split_at(found + 3);
        out.push_str(before);
        let end = after
            .find(|c: char| {
                c.is_whitespace() || matches!(c, '/' | '?' | '#' | '"' | '\'' | '<' | '>' | ')')
            })
            .unwrap_or(after.len());
        let authority = &after[..end];
        match authority.rfind('@') {
            Some(at) if authority[..at].contains(':') => {
                out.push_str(&format!("{MASK}:{MASK}{}", &authority[at..]));
            }
            Some(at) => out.push_str(&format!("{MASK}{}", &authority[at..])),
            None => out.push_str(authority),
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// Masks everything shaped like a JWT: a base64url JSON header (`eyJ`, the encoding of `{"`)
/// and at least two more dot-separated base64url parts (RFC 7515 §7.1, five for RFC 7516).
fn jwts(text: &str) -> String {
    let bytes = text.as_bytes();
    let part_end = |mut at: usize| {
        while at < bytes.len() && is_name_byte(bytes[at]) {
            at += 1;
        }
        at
    };
    let mut out = String::with_capacity(text.len());
    let (mut copied, mut from) = (0, 0);
    while let Some(found) = text[from..].find("eyJ") {
        let start = from + found;
        from = start + 3;
        if start > 0 && is_name_byte(bytes[start - 1]) {
            continue;
        }
        let mut end = part_end(start + 3);
        if end == start + 3 {
            continue;
        }
        let (mut dots, mut second_empty) = (0, false);
        while dots < 4 && bytes.get(end) == Some(&b'.') {
            let next = part_end(end + 1);
            // A dot after the third part with nothing after it ends a sentence.
            if dots >= 2 && next == end + 1 {
                break;
            }
            second_empty |= dots == 0 && next == end + 1;
            end = next;
            dots += 1;
        }
        // A JWS has a payload; only a JWE may leave its second part (the key) empty.
        if dots < 2 || (second_empty && dots < 4) {
            continue;
        }
        out.push_str(&text[copied..start]);
        out.push_str(MASK);
        (copied, from) = (end, end);
    }
    out.push_str(&text[copied..]);
    out
}

/// Masks every email address: `local@domain` with a dot inside the domain, the `@` also
/// percent-encoded (`%40`, as in a query). A URL's user, masked already by [`text`], is left.
fn emails(text: &str) -> String {
    let bytes = text.as_bytes();
    let is_local = |b: u8| b.is_ascii_alphanumeric() || b"._%+-".contains(&b);
    let is_domain = |b: u8| b.is_ascii_alphanumeric() || b".-".contains(&b);
    let mut out = String::with_capacity(text.len());
    let (mut copied, mut at) = (0, 0);
    while at < bytes.len() {
        let sign = if bytes[at] == b'@' {
            1
        } else if bytes[at..].starts_with(b"%40") {
            3
        } else {
            at += 1;
            continue;
        };
        let mut start = at;
        while start > copied && is_local(bytes[start - 1]) {
            start -= 1;
        }
        let mut end = at + sign;
        while end < bytes.len() && is_domain(bytes[end]) {
            end += 1;
        }
        // A dot or hyphen after the address ends the sentence, not the domain.
        while end > at + sign && b".-".contains(&bytes[end - 1]) {
            end -= 1;
        }
        let domain = &text[at + sign..end];
        if start == at || domain.starts_with('.') || !domain.contains('.') {
            at += sign;
            continue;
        }
        out.push_str(&text[copied..start]);
        out.push_str(MASK);
        (copied, at) = (end, end);
    }
    out.push_str(&text[copied..]);
    out
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

    /// A JWT as providers send them (header `{"alg":"RS256"}`).
    const JWT: &str = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl";

    fn spellings(snake: &str) -> Vec<String> {
        let camel: String = snake
            .split('_')
            .enumerate()
            .map(|(i, word)| match i {
                0 => word.to_owned(),
                _ => word[..1].to_uppercase() + &word[1..],
            })
            .collect();
        vec![
            snake.to_owned(),
            snake.to_uppercase(),
            snake.replace('_', "-"),
            camel,
        ]
    }

    #[test]
    fn every_credential_is_masked_in_urls_forms_json_and_text_in_any_spelling() {
        let names = [
            "code",
            "code_verifier",
            "device_code",
            "access_token",
            "refresh_token",
            "id_token",
            "id_token_hint",
            "client_secret",
            "client_assertion",
            "subject_token",
            "actor_token",
            "password",
        ];
        for name in names.iter().flat_map(|name| spellings(name)) {
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
            let free = text(&format!(
                r#"refused: {name}=hunter2, {{"{name}": "hunter2"}}"#
            ));
            assert!(!free.contains("hunter2"), "{free}");
            assert!(!body(format!("<p>{name} hunter2</p>").as_bytes()).contains("hunter2"));
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
    fn url_users_and_passwords_are_masked() {
        assert_eq!(
            url_text("https://alice:hunter2@idp.example/token?a=1"),
            "https://[redacted]:[redacted]@idp.example/token?a=1"
        );
        assert_eq!(
            url_text("https://ghp_secret@idp.example/"),
            "https://[redacted]@idp.example/"
        );
        assert_eq!(
            text("error sending request for url (https://alice:hunter2@idp.example/token)"),
            "error sending request for url (https://[redacted]:[redacted]@idp.example/token)"
        );
        assert_eq!(
            text("see https://idp.example/a@b and mail@idp.example"),
            "see https://idp.example/a@b and mail@idp.example"
        );
    }

    #[test]
    fn jwts_are_masked_under_any_name_and_in_free_text() {
        let json = body(format!(r#"{{"request":"{JWT}","logout_hint":"x {JWT}."}}"#).as_bytes());
        assert_eq!(
            json,
            r#"{"logout_hint":"x [redacted].","request":"[redacted]"}"#
        );
        let shown = url_text(&format!("https://idp.example/authorize?request={JWT}&a=1"));
        assert_eq!(
            shown,
            "https://idp.example/authorize?request=[redacted]&a=1"
        );
        let form = body(format!("grant_type=x&assertion_jwt={JWT}").as_bytes());
        assert_eq!(form, "grant_type=x&assertion_jwt=[redacted]");
        assert_eq!(
            text(&format!("bad signature on {JWT}; try again")),
            "bad signature on [redacted]; try again"
        );
        // An unsecured JWT (empty signature) and an encrypted one (RFC 7516, five parts).
        assert_eq!(
            text("t=eyJhbGciOiJub25lIn0.eyJhIjoxfQ. ok"),
            "t=[redacted] ok"
        );
        assert_eq!(text("eyJlbmMiOiJBIn0..aXY.Y3Q.dGFn"), "[redacted]");
        // Not JWTs: a word starting the same way, and two parts only.
        assert_eq!(text("keyJar eyJhIjoxfQ.x"), "keyJar eyJhIjoxfQ.x");
    }

    #[test]
    fn other_bodies_are_kept_unless_they_name_a_credential() {
        assert!(body(b"<html><body>502 Bad Gateway</body></html>").contains("502"));
        assert!(!body(b"something access_token secretvalue").contains("secretvalue"));
        assert!(!body(b"something AccessToken secretvalue").contains("secretvalue"));
        assert!(body(&vec![b'a'; 10_000]).len() < 5_000);
    }

    #[test]
    fn personal_text_loses_emails_and_a_links_one_time_values() {
        let authorize = "https://idp.example/authorize?response_type=code&client_id=app\
                         &state=st4te&code_challenge=ch4llenge&nonce=n0nce\
                         &login_hint=bob%40corp.example&scope=openid";
        let shown = personal(&format!(
            "account_linked: alice@example.com at idp (dev) linked. \
             Launcher \"xdg-open\" [\"{authorize}\"] failed; {{\"state\": \"st4te\"}}"
        ));
        for gone in [
            "alice",
            "st4te",
            "ch4llenge",
            "n0nce",
            "bob",
            "corp.example",
        ] {
            assert!(!shown.contains(gone), "{gone}: {shown}");
        }
        for kept in [
            "https://idp.example/authorize?",
            "client_id=app",
            "scope=openid",
        ] {
            assert!(shown.contains(kept), "{kept}: {shown}");
        }
        assert!(shown.contains("at idp (dev) linked."), "{shown}");
        // Not addresses: an `@` without a dotted domain, a URL's user (masked as such).
        assert_eq!(personal("see @home and a@b"), "see @home and a@b");
        assert_eq!(
            personal("https://u:p@idp.example/ mail: x.y+z@sub.example.org."),
            "https://[redacted]:[redacted]@idp.example/ mail: [redacted]."
        );
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
        assert_eq!(
            text(r#"{"refreshToken":"r1","Code":"c1"} état=ok"#),
            r#"{"refreshToken":"[redacted]","Code":"[redacted]"} état=ok"#
        );
    }
}
