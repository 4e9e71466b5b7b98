//! Fuzzing harnesses: one function per parser that reads what a provider, a web page or a hand
//! edit can put before Grantry. `fuzz/` runs each under cargo-fuzz (`make fuzz`), and
//! `tests/fuzz_corpus.rs` replays the kept corpus (`fuzz/corpus/<name>/`) on every
//! `make test`. Each takes any bytes; beyond not panicking, each asserts what its parser
//! promises about what it accepts.

use std::path::Path;
use std::sync::OnceLock;

use openidconnect::core::{CoreJwsSigningAlgorithm, CoreTokenResponse};
use openidconnect::{
    AuthorizationCode, HttpRequest, HttpResponse, JsonWebKeySet, OAuth2TokenResponse,
    PkceCodeVerifier,
};
use url::Url;

use crate::engine::intake::{self, Rejected};
use crate::error::Error;
use crate::oauth::callback::{Callback, MAX_URL_LEN, Outcome};
use crate::oauth::client::{Client, client, token_error};
use crate::oauth::code_exchange::{MAX_LIFETIME, expires_at};
use crate::oauth::discovery::{self, Advertised, Endpoints};
use crate::oauth::http::{Http, HttpError};
use crate::providers::{
    CALLBACK_PATH, Environment, PlainHttp, Preset, Providers, SANDBOX_ID, URL_SCHEME, check_url,
    is_loopback,
};
use crate::redact;

/// A sign-in response as the loopback listener hands it over (`oauth/callback.rs`): what it
/// accepts holds exactly the `state`, `code` or `error` and `iss` its query holds, once each.
pub fn callback_url(data: &[u8]) {
    let Ok(raw) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(callback) = Callback::parse(raw) else {
        return;
    };
    assert!(raw.len() <= MAX_URL_LEN, "a callback over the cap was read");
    let url = Url::parse(raw.trim()).expect("an accepted callback is a URL");
    check_callback(&url, &callback);
}

/// Provider schemes configured for [`deep_link`] (the `provider_scheme` redirect).
const PROVIDER_SCHEMES: [&str; 2] = ["com.googleusercontent.apps.123-abc", "com.example.grantry"];

/// A URL the OS hands to the app (`engine/intake.rs`): only Grantry's scheme and configured
/// provider schemes pass the door, what is recorded of it carries no credential, and a sign-in
/// response in it reads as in [`callback_url`].
pub fn deep_link(data: &[u8]) {
    let Ok(raw) = std::str::from_utf8(data) else {
        return;
    };
    let schemes = PROVIDER_SCHEMES.map(str::to_owned);
    let url = match intake::parse(raw, &schemes) {
        Ok(url) => url,
        Err(Rejected::WrongScheme { scheme }) => {
            assert!(
                scheme.chars().count() <= 40,
                "a refused scheme is shown capped"
            );
            assert!(scheme != URL_SCHEME && !schemes.contains(&scheme));
            return;
        }
        Err(_) => return,
    };
    assert!(raw.len() <= MAX_URL_LEN, "a link over the cap passed");
    assert!(
        url.scheme() == URL_SCHEME || schemes.iter().any(|s| s == url.scheme()),
        "a link of the scheme {:?} passed",
        url.scheme()
    );
    check_recorded(&redact::url(&url));
    if url.scheme() == URL_SCHEME && url.path() != CALLBACK_PATH {
        return;
    }
    if let Ok(callback) = Callback::from_url(&url) {
        check_callback(&url, &callback);
    }
}

/// A token endpoint's answer (RFC 6749 §5.1, §5.2) as a code exchange reads it: the body,
/// answered with HTTP 200 and 400, through each preset's dialect (`providers/presets/`) and
/// none, into the standard token response (`oauth/code_exchange.rs`).
pub fn token_response(data: &[u8]) {
    let client = token_client();
    let dialects = std::iter::once(None).chain(Preset::ALL.map(Some));
    for preset in dialects {
        for status in [200, 400] {
            exchange(client, preset, status, data);
        }
    }
}

/// A token endpoint's answer to a token exchange (RFC 8693 §2.2) as `oauth/token_exchange.rs`
/// reads it, with a success status and with a refusal's: a token comes only from a success
/// status and a JSON object without `error`, and is exactly its `access_token`; a refusal is
/// always the provider's own error code.
pub fn token_exchange_answer(data: &[u8]) {
    use crate::oauth::token_exchange::read_answer;
    let body = serde_json::from_slice::<serde_json::Value>(data).ok();
    for status in [200, 400, 500] {
        match read_answer("fuzzed", status, data) {
            Ok(issued) => {
                let body = body.as_ref().expect("a token only from JSON");
                assert_eq!(status, 200, "a token from HTTP {status}");
                assert!(body.get("error").is_none_or(|e| !e.is_string()));
                assert_eq!(
                    body["access_token"].as_str(),
                    Some(issued.token.expose().as_str())
                );
                assert!(!issued.token.expose().is_empty());
            }
            Err(Error::ProviderRefused { error, .. }) => {
                let body = body.as_ref().expect("a refusal only from JSON");
                assert_eq!(body["error"].as_str(), Some(error.as_str()));
            }
            Err(_) => {}
        }
    }
}

/// A pushed authorization request's answer (RFC 9126 §2.2, §2.3) as
/// `oauth/pushed_authorization.rs` reads it: a `request_uri` is taken only from a success, never
/// empty, and the browser's URL then carries exactly `client_id` and that `request_uri`.
pub fn par_answer(data: &[u8]) {
    use crate::oauth::pushed_authorization::{browser_url, read_answer};
    let authorization = Url::parse("https://idp.example/authorize?tenant=t").expect("URL");
    for status in [201, 200, 400, 401, 500] {
        match read_answer("fuzz", status, data) {
            Ok(request_uri) => {
                assert!((200..300).contains(&status), "taken from HTTP {status}");
                assert!(!request_uri.is_empty());
                let url = Url::parse(&browser_url(&authorization, "app", &request_uri))
                    .expect("the browser's URL is a URL");
                let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
                let expected = [
                    ("tenant".to_owned(), "t".to_owned()),
                    ("client_id".to_owned(), "app".to_owned()),
                    ("request_uri".to_owned(), request_uri),
                ];
                assert_eq!(pairs, expected);
            }
            Err(error) => assert!(
                matches!(
                    error,
                    Error::ProviderRefused { .. } | Error::MalformedResponse { .. }
                ),
                "{error:?}"
            ),
        }
    }
}

/// A discovery document (OpenID Connect Discovery 1.0 §3; RFC 8414 §2) as
/// `oauth/discovery.rs` reads it: it is used only when its `issuer` is the configured one, and
/// every endpoint taken from it is https or loopback http.
pub fn discovery(data: &[u8]) {
    let Ok(document) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    // Its own issuer, so that the fuzzer gets past the issuer check to the endpoints.
    let issuer = match document.get("issuer").and_then(|i| i.as_str()) {
        Some(issuer) => issuer.to_owned(),
        None => "https://issuer.example".to_owned(),
    };
    let other = "https://other.example";
    if issuer != other {
        let mismatch = discovery::read_openid_metadata("fuzz", other, document.clone());
        assert!(matches!(mismatch, Err(Error::IssuerMismatch { .. })));
    }
    let server = discovery::read_server_metadata(&issuer, document.clone());
    let Ok(metadata) = discovery::read_openid_metadata("fuzz", &issuer, document) else {
        return;
    };
    let mut extra = metadata.additional_metadata().clone();
    if let Some(server) = server {
        extra.complete_from(server);
    }
    let env = Environment::discovered("fuzz", &issuer, "fuzz");
    let Ok(endpoints) = discovery::endpoints_from("fuzz", &issuer, &env, &metadata, extra) else {
        return;
    };
    assert_eq!(endpoints.issuer.as_deref(), Some(issuer.as_str()));
    let optional = [
        &endpoints.userinfo,
        &endpoints.revocation,
        &endpoints.introspection,
        &endpoints.jwks_uri,
    ];
    let urls = [&endpoints.authorization, &endpoints.token]
        .into_iter()
        .chain(optional.into_iter().flatten());
    for url in urls {
        check_url(url, PlainHttp::Loopback)
            .expect("every endpoint taken is https or plain http on 127.0.0.1 or [::1]");
        let local_issuer = url::Url::parse(&issuer).is_ok_and(|i| is_loopback(&i));
        assert!(
            local_issuer || (url.scheme() == "https" && !is_loopback(url)),
            "a remote issuer's document names no endpoint on this machine nor plain http"
        );
    }
    assert!(
        !endpoints
            .id_token_algs
            .contains(&CoreJwsSigningAlgorithm::None)
    );
}

/// The providers file (`providers/mod.rs`): every provider it yields passes validation, and
/// what Grantry writes back loads again to the same providers.
pub fn providers_file(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let path = Path::new("providers.toml");
    let Ok(providers) = Providers::parse(path, text, None) else {
        return;
    };
    let mut ids = Vec::new();
    for provider in providers.all() {
        provider.validate().expect("a loaded provider is valid");
        assert_ne!(provider.id.as_str(), SANDBOX_ID);
        assert!(!ids.contains(&provider.id), "{} loaded twice", provider.id);
        ids.push(provider.id.clone());
        assert!(
            provider
                .environments
                .iter()
                .all(|e| e.preset == provider.preset)
        );
    }
    for scheme in providers.provider_schemes() {
        assert!(scheme != URL_SCHEME && scheme.contains('.'), "{scheme:?}");
    }
    let saved = providers.text().expect("loaded providers can be written");
    let again = Providers::parse(path, &saved, None).expect("what is written loads again");
    assert!(
        again.all().eq(providers.all()),
        "writing and loading changed the providers:\n{saved}"
    );
}

/// A parsed sign-in response against the query it came from.
fn check_callback(url: &Url, callback: &Callback) {
    let only = |name: &str| -> Option<String> {
        let mut values = url.query_pairs().filter(|(k, _)| k == name);
        let first = values.next().map(|(_, v)| v.into_owned());
        assert!(values.next().is_none(), "{name} twice, yet accepted");
        first.filter(|v| !v.is_empty())
    };
    assert_eq!(only("state").as_deref(), Some(callback.state.as_str()));
    assert_eq!(only("iss"), callback.iss);
    match &callback.outcome {
        Outcome::Code(code) => {
            assert_eq!(only("code").as_ref(), Some(code.expose()));
            assert_eq!(only("error"), None);
        }
        Outcome::Error { error, description } => {
            assert_eq!(only("code"), None);
            assert_eq!(only("error").as_ref(), Some(error));
            assert_eq!(&only("error_description"), description);
        }
    }
    assert!(
        !callback.target.contains(['?', '#']),
        "the target {:?} kept a query or fragment",
        callback.target
    );
}

/// What the history keeps of a link: no fragment, and every credential parameter masked.
fn check_recorded(recorded: &str) {
    assert!(!recorded.contains('#'), "{recorded:?} kept a fragment");
    let Some((_, query)) = recorded.split_once('?') else {
        return;
    };
    for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
        if redact::is_credential(&name) {
            assert_eq!(value, redact::MASK, "{name} was recorded: {recorded:?}");
        }
    }
}

/// The client of a code exchange, its token endpoint never reached: [`exchange`] answers.
fn token_client() -> &'static Client {
    static CLIENT: OnceLock<Client> = OnceLock::new();
    CLIENT.get_or_init(|| {
        let url = |text: &str| Url::parse(text).expect("a fixed URL");
        let endpoints = Endpoints {
            issuer: Some("https://issuer.example".into()),
            authorization: url("https://issuer.example/authorize"),
            token: url("https://issuer.example/token"),
            userinfo: None,
            revocation: None,
            introspection: None,
            jwks_uri: None,
            device_authorization: None,
            jwks: JsonWebKeySet::new(Vec::new()),
            iss_parameter_supported: false,
            pushed_authorization: None,
            pushed_authorization_required: false,
            id_token_algs: Vec::new(),
            advertised: Advertised::default(),
        };
        let env = Environment::discovered("fuzz", "https://issuer.example", "fuzz");
        client(&env, &endpoints, None, Some("http://127.0.0.1/callback"))
            .expect("a client for fixed endpoints")
    })
}

/// One code exchange answered with `status` and `body` through `preset`'s dialect.
fn exchange(client: &Client, preset: Option<Preset>, status: u16, body: &[u8]) {
    static HTTP: OnceLock<Http> = OnceLock::new();
    let dialect = HTTP.get_or_init(Http::new).dialect(preset);
    let answer = openidconnect::http::Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(body.to_vec())
        .expect("a response");
    let read = std::cell::RefCell::new(None);
    let send = |_: HttpRequest| -> Result<HttpResponse, HttpError> {
        let response = dialect.read(answer.clone());
        *read.borrow_mut() = Some(response.clone());
        Ok(response)
    };
    let outcome = client
        .exchange_code(AuthorizationCode::new("code".into()))
        .set_pkce_verifier(PkceCodeVerifier::new("v".repeat(43)))
        .request(&send);
    let read = read.into_inner().expect("the token endpoint was asked");
    if preset != Some(Preset::Facebook) {
        assert_eq!(dialect.data_access_expires_at(), None);
    }
    match outcome {
        Ok(tokens) => check_tokens(preset, &read, &tokens),
        Err(error) => {
            if let Error::ProviderRefused {
                error, description, ..
            } = token_error("fuzz", error)
                && let Some(preset) = preset
            {
                let _ = preset.explain(&error, description.as_deref());
            }
        }
    }
}

/// Tokens read from an answer (`read`, after the dialect) against its JSON body.
fn check_tokens(preset: Option<Preset>, read: &HttpResponse, tokens: &CoreTokenResponse) {
    assert_eq!(
        read.status().as_u16(),
        200,
        "tokens taken from an error status"
    );
    // The first JSON value, as the standard client reads it; what follows is ignored.
    let body: serde_json::Value = serde_json::Deserializer::from_slice(read.body())
        .into_iter()
        .next()
        .and_then(Result::ok)
        .expect("tokens are JSON");
    assert_eq!(
        body.get("access_token").and_then(|t| t.as_str()),
        Some(tokens.access_token().secret().as_str())
    );
    if preset == Some(Preset::Github) {
        assert!(body.get("error").is_none_or(|e| !e.is_string()));
    }
    for scope in tokens.scopes().into_iter().flatten() {
        assert!(!scope.contains(' '), "{scope:?}");
        if preset == Some(Preset::Github) {
            assert!(!scope.contains(','), "GitHub's {scope:?} was not split");
        }
    }
    let now = 1_700_000_000;
    if let Some(lifetime) = tokens.expires_in() {
        let at = expires_at(now, lifetime);
        assert!((now..=now + MAX_LIFETIME).contains(&at), "{at}");
    }
    let written = serde_json::to_vec(tokens).expect("tokens serialise");
    let again: CoreTokenResponse =
        serde_json::from_slice(&written).expect("serialised tokens read again");
    assert_eq!(
        again.access_token().secret(),
        tokens.access_token().secret()
    );
    assert_eq!(
        again.refresh_token().map(|t| t.secret()),
        tokens.refresh_token().map(|t| t.secret())
    );
    assert_eq!(again.expires_in(), tokens.expires_in());
    assert_eq!(again.scopes(), tokens.scopes());
    assert_eq!(again.token_type(), tokens.token_type());
}

/// A device authorization answer (RFC 8628 §3.2, `oauth/device.rs`), JSON or form-encoded, from
/// a remote provider: what it accepts is a short code a person can type, https pages, and a
/// lifetime and interval within bounds.
pub fn device_authorization(data: &[u8]) {
    use crate::oauth::device::{MAX_INTERVAL, MAX_LIFETIME as MAX_CODE_LIFETIME, read_answer};
    let env = Environment::discovered("fuzz", "https://id.example", "fuzz");
    let Ok((answer, _code)) = read_answer("fuzz", &env, data) else {
        return;
    };
    let code = &answer.user_code;
    assert!((1..=32).contains(&code.chars().count()), "{code:?}");
    assert!(
        code.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == ' '),
        "{code:?}"
    );
    for page in std::iter::once(&answer.verification_uri).chain(&answer.verification_uri_complete) {
        let url = Url::parse(page).expect("an accepted page is a URL");
        assert_eq!(
            url.scheme(),
            "https",
            "a remote provider's page over https only"
        );
    }
    assert!((1..=MAX_CODE_LIFETIME).contains(&answer.expires_in));
    assert!(answer.interval <= MAX_INTERVAL);
}

/// A provider's answer to a request with a DPoP proof (`oauth/dpop.rs`): a nonce is taken from
/// it only as RFC 9449's `1*NQCHAR` within the cap, and a nonce is asked for only by a 400
/// (token endpoint) or a 401 (resource). The input is the status's selector byte, then the
/// `DPoP-Nonce` header, the `WWW-Authenticate` header and the body, split on newlines.
pub fn dpop_answer(data: &[u8]) {
    use crate::oauth::dpop::{MAX_NONCE, asks_for_nonce, nonce_of};
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let status = [200u16, 400, 401, 403, 500][usize::from(selector) % 5];
    let mut parts = rest.splitn(3, |b| *b == b'\n');
    let (nonce, challenge, body) = (parts.next(), parts.next(), parts.next());
    let mut response = openidconnect::http::Response::builder().status(status);
    for (name, value) in [("dpop-nonce", nonce), ("www-authenticate", challenge)] {
        if let Some(value) =
            value.and_then(|v| openidconnect::http::HeaderValue::from_bytes(v).ok())
        {
            response = response.header(name, value);
        }
    }
    let Ok(response) = response.body(body.unwrap_or_default().to_vec()) else {
        return;
    };
    if let Some(nonce) = nonce_of(&response) {
        assert!(
            !nonce.is_empty() && nonce.len() <= MAX_NONCE,
            "a nonce over the cap"
        );
        assert!(
            nonce
                .bytes()
                .all(|b| b.is_ascii_graphic() && b != b'"' && b != b'\\'),
            "a nonce outside NQCHAR: {nonce:?}"
        );
    }
    if asks_for_nonce(&response) {
        assert!(
            matches!(status, 400 | 401),
            "HTTP {status} asked for a nonce"
        );
    }
}
