//! A provider's JSON answer read as the standard client reads a token answer, and rewritten with
//! another status and body: what the presets' token answer rewrites (`token_answer.rs`) and
//! Facebook's dialect (`dialects/facebook.rs`) are made of.

use openidconnect::HttpResponse;

/// The JSON body of an answer, when it is a JSON object. Read as the standard client reads a
/// token answer (oauth2's `endpoint_response`): the first JSON value, whatever follows it, so
/// that a dialect never sees another body than the one the tokens are taken from.
pub(crate) fn json_body(
    response: &HttpResponse,
) -> Option<serde_json::Map<String, serde_json::Value>> {
    let mut values = serde_json::Deserializer::from_slice(response.body()).into_iter();
    match values.next() {
        Some(Ok(serde_json::Value::Object(map))) => Some(map),
        _ => None,
    }
}

/// `response` with another status and JSON body, its headers kept.
pub(super) fn rewritten(
    response: HttpResponse,
    status: u16,
    body: serde_json::Map<String, serde_json::Value>,
) -> HttpResponse {
    let (mut parts, _) = response.into_parts();
    parts.status = openidconnect::http::StatusCode::from_u16(status).unwrap_or(parts.status);
    let body = serde_json::to_vec(&serde_json::Value::Object(body)).unwrap_or_default();
    HttpResponse::from_parts(parts, body)
}

/// A token endpoint's answer with `status` and `body`, for the dialects' tests.
#[cfg(test)]
pub(super) fn answer(status: u16, body: &str) -> HttpResponse {
    openidconnect::http::Response::builder()
        .status(status)
        .body(body.as_bytes().to_vec())
        .expect("response")
}
