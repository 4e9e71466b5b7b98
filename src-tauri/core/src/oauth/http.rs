//! The one HTTP client for talking to providers: connect and total timeouts, no redirects
//! followed (token, revocation and userinfo requests must never be redirected), and response
//! bodies capped, so a hostile or broken provider cannot hang or flood Grantry.
//!
//! HTTPS is rustls with ring as the one crypto provider of the process ([`use_ring_for_tls`]),
//! and a server's certificate is checked by the system's own trust store (reqwest's
//! rustls-platform-verifier; on Linux the CA bundle the distribution keeps, or `SSL_CERT_FILE` /
//! `SSL_CERT_DIR`), so a company's TLS-inspecting proxy that the system trusts is trusted here
//! as well.
//!
//! It also feeds the HTTP log: [`recording`] runs an operation and collects every exchange the
//! client made during it, masked (`redact.rs`) before it is kept; outside such a scope nothing
//! is collected. Headers are never kept.

use std::future::Future;
use std::sync::Mutex;
use std::time::Duration;

use openidconnect::{HttpRequest, HttpResponse};

pub use crate::error::HttpError;
use crate::model::HttpExchange;
use crate::providers::Preset;
use crate::{clock, redact};

/// Largest response body accepted from a provider.
pub const MAX_BODY: usize = 1024 * 1024;

#[derive(Clone)]
pub struct Http {
    client: reqwest::Client,
}

impl Http {
    pub fn new() -> Self {
        use_ring_for_tls();
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(30))
            .user_agent(concat!("Grantry/", env!("CARGO_PKG_VERSION")))
            .build()
            .expect("a TLS backend for the HTTP client");
        Self { client }
    }

    /// Sends one request; the body is read up to [`MAX_BODY`]. The exchange, masked, joins
    /// the current [`recording`], if there is one.
    pub async fn send(&self, request: HttpRequest) -> Result<HttpResponse, HttpError> {
        let started = std::time::Instant::now();
        let method = request.method().to_string();
        let url = redact::url_text(&request.uri().to_string());
        let request_body = redact::body(request.body());
        let outcome = self.send_unlogged(request).await;
        let exchange = HttpExchange {
            at: clock::now(),
            method,
            url,
            status: outcome.as_ref().ok().map(|r| r.status().as_u16()),
            request_body,
            response_body: outcome
                .as_ref()
                .map(|r| redact::body(r.body()))
                .unwrap_or_default(),
            duration_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            error: outcome.as_ref().err().map(|e| e.to_string()),
            operation: None,
        };
        log(&exchange);
        record(exchange);
        outcome
    }

    /// Sends one request that is not part of the HTTP log (it carries no provider exchange,
    /// such as the check that a local sandbox is ours); [`Http::send`] is built on it.
    pub async fn send_unlogged(&self, request: HttpRequest) -> Result<HttpResponse, HttpError> {
        let request = reqwest::Request::try_from(request).map_err(classify)?;
        let mut response = self.client.execute(request).await.map_err(classify)?;
        let mut builder = openidconnect::http::Response::builder().status(response.status());
        for (name, value) in response.headers() {
            builder = builder.header(name, value);
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(classify)? {
            if body.len() + chunk.len() > MAX_BODY {
                return Err(HttpError::TooLarge { limit: MAX_BODY });
            }
            body.extend_from_slice(&chunk);
        }
        builder
            .body(body)
            .map_err(|e| HttpError::Request(e.to_string()))
    }

    /// Sends a request whose answer must be a JSON document with a success status; `what`
    /// names it in errors ("its profile", "its introspection answer").
    pub(crate) async fn json(
        &self,
        request: HttpRequest,
        provider: &str,
        what: &str,
    ) -> Result<serde_json::Value, crate::error::Error> {
        http_json(self.send(request).await, provider, what)
    }
}

/// An answer that must be a JSON document with a success status, as [`Http::json`] reads it;
/// for a request sent otherwise (with a DPoP proof, `dpop.rs`).
pub(crate) fn http_json(
    response: Result<HttpResponse, HttpError>,
    provider: &str,
    what: &str,
) -> Result<serde_json::Value, crate::error::Error> {
    use crate::error::Error;
    let response = response.map_err(|source| Error::Unreachable {
        provider: provider.to_owned(),
        source,
    })?;
    let malformed = |reason: String| Error::MalformedResponse {
        provider: provider.to_owned(),
        reason,
    };
    if !response.status().is_success() {
        return Err(malformed(format!(
            "{what} came with HTTP {}",
            response.status()
        )));
    }
    serde_json::from_slice(response.body())
        .map_err(|e| malformed(format!("{what} is not JSON: {e}")))
}

/// So that openidconnect and oauth2 requests go through the same client and body cap. A named
/// implementation (rather than a closure) keeps the futures `Send`, for tokio and Tauri.
impl<'c> openidconnect::AsyncHttpClient<'c> for Http {
    type Error = HttpError;
    type Future = std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<HttpResponse, HttpError>> + Send + 'c>,
    >;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(self.send(request))
    }
}

/// The client as a preset's token endpoint needs it: each answer rewritten into RFC 6749's
/// shape (`providers/presets/`) before the standard client reads it, and the one field beyond
/// RFC 6749 that Grantry keeps (Facebook's `data_access_expires_at`) noted on the way, since
/// the standard client drops it. Without a preset it is the plain client.
pub struct Dialect<'a> {
    http: &'a Http,
    preset: Option<Preset>,
    /// The account's DPoP key, when its token requests carry proofs (`dpop.rs`).
    dpop: Option<super::dpop::Dpop>,
    data_access_expires_at: Mutex<Option<i64>>,
    refresh_lifetime: Mutex<Option<i64>>,
}

impl Http {
    pub fn dialect(&self, preset: Option<Preset>) -> Dialect<'_> {
        Dialect {
            http: self,
            preset,
            dpop: None,
            data_access_expires_at: Mutex::new(None),
            refresh_lifetime: Mutex::new(None),
        }
    }
}

impl Dialect<'_> {
    /// The same client, each token request with a DPoP proof signed by `dpop` when given.
    pub fn with_dpop(mut self, dpop: Option<super::dpop::Dpop>) -> Self {
        self.dpop = dpop;
        self
    }

    pub async fn send(&self, request: HttpRequest) -> Result<HttpResponse, HttpError> {
        let response = match &self.dpop {
            Some(dpop) => dpop.send(self.http, request, None).await?,
            None => self.http.send(request).await?,
        };
        Ok(self.read(response))
    }

    /// A token endpoint's answer in RFC 6749's shape, the preset's extra field noted.
    pub(crate) fn read(&self, response: HttpResponse) -> HttpResponse {
        let lifetime = refresh_lifetime(&response);
        if let (Some(seconds), Ok(mut slot)) = (lifetime, self.refresh_lifetime.lock()) {
            *slot = Some(seconds);
        }
        let Some(preset) = self.preset else {
            return response;
        };
        let response = preset.token_response(response);
        let lapses = preset.data_access_expiry(&response);
        if let (Some(at), Ok(mut slot)) = (lapses, self.data_access_expires_at.lock()) {
            *slot = Some(at);
        }
        response
    }

    /// When the provider's access to the person's data lapses, as the last answer said.
    pub fn data_access_expires_at(&self) -> Option<i64> {
        self.data_access_expires_at.lock().ok().and_then(|s| *s)
    }

    /// How many seconds the refresh token lives, as the last answer said.
    pub fn refresh_lifetime(&self) -> Option<i64> {
        self.refresh_lifetime.lock().ok().and_then(|s| *s)
    }
}

/// The refresh token's lifetime a token endpoint's answer gives beside RFC 6749's fields:
/// `refresh_token_expires_in` (GitHub's user-to-server tokens) or `refresh_expires_in`
/// (Keycloak and others), in seconds; `None` when it gives none, or a value no one means.
fn refresh_lifetime(response: &HttpResponse) -> Option<i64> {
    let body: serde_json::Value = serde_json::from_slice(response.body()).ok()?;
    let seconds = ["refresh_token_expires_in", "refresh_expires_in"]
        .iter()
        .find_map(|key| body.get(key)?.as_i64())?;
    // Keycloak says 0 for "no end"; a negative one or one beyond 400 days is not believed.
    (1..=400 * 86_400).contains(&seconds).then_some(seconds)
}

impl<'c> openidconnect::AsyncHttpClient<'c> for Dialect<'_> {
    type Error = HttpError;
    type Future = std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<HttpResponse, HttpError>> + Send + 'c>,
    >;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(self.send(request))
    }
}

/// A GET asking for JSON, with a bearer token when `bearer` has one (RFC 6750 §2.1).
pub fn get_json(url: &url::Url, bearer: Option<&str>) -> Result<HttpRequest, crate::error::Error> {
    let mut request = openidconnect::http::Request::builder()
        .method("GET")
        .uri(url.as_str())
        .header("accept", "application/json");
    if let Some(token) = bearer {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    request
        .body(Vec::new())
        .map_err(|e| crate::error::Error::Internal(format!("a request could not be built: {e}")))
}

tokio::task_local! {
    static RECORDING: Mutex<Vec<HttpExchange>>;
}

/// Runs `operation`, returning its output and every exchange [`Http`] made during it.
pub async fn recording<F: Future>(operation: F) -> (F::Output, Vec<HttpExchange>) {
    RECORDING
        .scope(Mutex::new(Vec::new()), async {
            let output = operation.await;
            let log = RECORDING.with(|log| {
                log.lock()
                    .map(|mut log| std::mem::take(&mut *log))
                    .unwrap_or_default()
            });
            (output, log)
        })
        .await
}

/// An exchange as log lines, masked as in the HTTP log: a line at debug level, at info when
/// it did not succeed (part of the story of a failure), and the bodies at trace level.
fn log(exchange: &HttpExchange) {
    let HttpExchange { method, url, .. } = exchange;
    let took = exchange.duration_ms;
    match (exchange.status, &exchange.error) {
        (Some(status), _) if (200..300).contains(&status) => {
            tracing::debug!("{method} {url}: HTTP {status} in {took} ms");
        }
        (Some(status), _) => tracing::info!("{method} {url}: HTTP {status} in {took} ms"),
        (None, error) => tracing::info!(
            "{method} {url}: no answer after {took} ms: {}",
            error.as_deref().unwrap_or("unknown error")
        ),
    }
    tracing::trace!(
        "{method} {url}: sent {:?}, received {:?}",
        exchange.request_body,
        exchange.response_body
    );
}

/// Adds an exchange to the current recording, if there is one.
fn record(exchange: HttpExchange) {
    let _ = RECORDING.try_with(|log| {
        if let Ok(mut log) = log.lock() {
            log.push(exchange);
        }
    });
}

/// Makes ring the process's rustls crypto provider, the only one built (reqwest's
/// `rustls-no-provider`), before any HTTP client exists: every client of the process, the
/// provider-facing one and the loopback ones alike, needs it. Safe to call again.
pub fn use_ring_for_tls() {
    // Err means a provider is installed already, which can only be this one.
    let _ = rustls::crypto::ring::default_provider().install_default();
}

impl Default for Http {
    fn default() -> Self {
        Self::new()
    }
}

fn classify(error: reqwest::Error) -> HttpError {
    // The URL may carry a token in its query: never let it into a message.
    let error = error.without_url();
    let mut text = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    // Only a failure to connect proves the request never left; anything later may have
    // reached the provider (which matters for requests that are not idempotent, such as a
    // refresh with a rotating refresh token).
    if error.is_connect() {
        HttpError::Unreachable(text)
    } else if error.is_timeout() {
        HttpError::Timeout
    } else if error.is_request() || error.is_body() || error.is_decode() {
        HttpError::Interrupted(text)
    } else {
        HttpError::Request(text)
    }
}
