//! The requests the dialects are made of: a GET with a bearer token (RFC 6750 §2.1), a form POST
//! asking for JSON, and an address on the same origin as a provider's endpoint.

use openidconnect::HttpRequest;

use crate::error::Error;
use crate::secret::Secret;

/// A GET with a bearer token and `Accept: application/json`.
pub(super) fn bearer_get(url: &url::Url, token: &Secret<String>) -> Result<HttpRequest, Error> {
    crate::oauth::http::get_json(url, Some(token.expose()))
}

/// A form POST asking for JSON, without client authentication.
pub(super) fn form_request(url: &url::Url, params: &[(&str, &str)]) -> Result<HttpRequest, Error> {
    let mut form = url::form_urlencoded::Serializer::new(String::new());
    form.extend_pairs(params);
    openidconnect::http::Request::builder()
        .method("POST")
        .uri(url.as_str())
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json")
        .body(form.finish().into_bytes())
        .map_err(|e| Error::Internal(format!("a request could not be built: {e}")))
}

/// The URL `path` on the origin of `base` (the same host serves both).
pub(super) fn on_origin(base: &url::Url, path: &str) -> url::Url {
    let mut url = base.clone();
    url.set_path(path);
    url.set_query(None);
    url.set_fragment(None);
    url
}
