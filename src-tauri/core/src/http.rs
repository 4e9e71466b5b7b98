//! The one HTTP client for talking to providers: connect and total timeouts, no redirects
//! followed (token, revocation and userinfo requests must never be redirected), and response
//! bodies capped, so a hostile or broken provider cannot hang or flood Grantry.

use std::time::Duration;

use openidconnect::reqwest;
use openidconnect::{HttpRequest, HttpResponse};

/// Largest response body accepted from a provider.
pub const MAX_BODY: usize = 1024 * 1024;

#[derive(Debug, Clone, thiserror::Error)]
pub enum HttpError {
    #[error("the provider could not be reached: {0}")]
    Unreachable(String),
    #[error("the provider took too long to answer")]
    Timeout,
    #[error("the provider's answer is larger than {MAX_BODY} bytes")]
    TooLarge,
    #[error("the request could not be made: {0}")]
    Request(String),
}

#[derive(Clone)]
pub struct Http {
    client: reqwest::Client,
}

impl Http {
    pub fn new() -> Self {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(30))
            .user_agent(concat!("Grantry/", env!("CARGO_PKG_VERSION")))
            .build()
            .expect("a TLS backend for the HTTP client");
        Self { client }
    }

    /// Sends one request; the body is read up to [`MAX_BODY`]. The exchange goes to the
    /// exchange log (masked) when an operation is recording.
    pub async fn send(&self, request: HttpRequest) -> Result<HttpResponse, HttpError> {
        let started = std::time::Instant::now();
        let method = request.method().to_string();
        let url = crate::exchange::mask_url(&request.uri().to_string());
        let request_body = crate::exchange::mask_body(request.body());
        let outcome = self.send_unrecorded(request).await;
        crate::exchange::record(crate::exchange::Exchange {
            at: crate::now(),
            method,
            url,
            status: outcome.as_ref().ok().map(|r| r.status().as_u16()),
            request_body,
            response_body: outcome
                .as_ref()
                .map(|r| crate::exchange::mask_body(r.body()))
                .unwrap_or_default(),
            duration_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            error: outcome.as_ref().err().map(|e| e.to_string()),
        });
        outcome
    }

    async fn send_unrecorded(&self, request: HttpRequest) -> Result<HttpResponse, HttpError> {
        let request = reqwest::Request::try_from(request).map_err(classify)?;
        let mut response = self.client.execute(request).await.map_err(classify)?;
        let mut builder = openidconnect::http::Response::builder().status(response.status());
        for (name, value) in response.headers() {
            builder = builder.header(name, value);
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(classify)? {
            if body.len() + chunk.len() > MAX_BODY {
                return Err(HttpError::TooLarge);
            }
            body.extend_from_slice(&chunk);
        }
        builder
            .body(body)
            .map_err(|e| HttpError::Request(e.to_string()))
    }

    /// A GET with a bearer token, for profile endpoints.
    pub async fn get_bearer(&self, url: &url::Url, token: &str) -> Result<HttpResponse, HttpError> {
        let request = openidconnect::http::Request::builder()
            .method("GET")
            .uri(url.as_str())
            .header("authorization", format!("Bearer {token}"))
            .header("accept", "application/json")
            .body(Vec::new())
            .map_err(|e| HttpError::Request(e.to_string()))?;
        self.send(request).await
    }
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
    if error.is_timeout() {
        HttpError::Timeout
    } else if error.is_connect() || error.is_request() || error.is_body() {
        HttpError::Unreachable(text)
    } else {
        HttpError::Request(text)
    }
}
