//! What keeps web pages out: a page the tester visits can make the browser send requests to
//! 127.0.0.1, so every request is checked before it reaches an endpoint.
//!
//! - [`own_host`], on every route: the `Host` header must name the sandbox itself
//!   (`127.0.0.1:PORT`, `localhost:PORT` or `[::1]:PORT`), else 421. A page on a DNS-rebound
//!   name (`evil.example:PORT` resolving to 127.0.0.1) is refused, so it cannot read the
//!   consent page or talk to the admin API as if it were same-origin.
//! - [`same_origin`], on the consent form and the admin API: a state-changing request whose
//!   `Origin` (RFC 6454 §7) is anything but the sandbox's own is refused with 403; a browser
//!   sends the page's own origin with the consent page's form post, and tools send none.
//! - [`admin`], on the admin API except the avatars: `Authorization: Bearer <admin token>`
//!   (`src/admin_token.rs`) else 401, and a body only as `application/json` else 415, so that
//!   no "simple" cross-origin request (a `text/plain` form post) can carry one.
//!
//! The OAuth endpoints (token, revocation, introspection, userinfo, discovery, JWKS) get only
//! the Host check: like a real provider's, they serve any client that presents credentials.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use subtle::ConstantTimeEq;

use crate::Shared;

/// The names the sandbox answers to, with its port.
fn own_authorities(port: u16) -> [String; 3] {
    [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("[::1]:{port}"),
    ]
}

fn is_own_authority(port: u16, authority: &str) -> bool {
    own_authorities(port)
        .iter()
        .any(|own| own.eq_ignore_ascii_case(authority))
}

fn refuse(status: StatusCode, message: &str) -> Response {
    (status, format!("{message}\n")).into_response()
}

/// Refuses a request whose `Host` is not the sandbox's own (421 Misdirected Request).
pub async fn own_host(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok());
    if !host.is_some_and(|h| is_own_authority(shared.port, h)) {
        return refuse(
            StatusCode::MISDIRECTED_REQUEST,
            "this sandbox answers only to 127.0.0.1, localhost and [::1] on its own port",
        );
    }
    next.run(request).await
}

/// Whether a request with these headers comes from another origin than the sandbox's.
fn foreign_origin(port: u16, headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return false;
    };
    let own = origin
        .to_str()
        .ok()
        .and_then(|o| o.strip_prefix("http://"))
        .is_some_and(|authority| is_own_authority(port, authority));
    !own
}

/// Refuses a state-changing request from another origin (403); `null` counts as foreign.
pub async fn same_origin(
    State(shared): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if !safe && foreign_origin(shared.port, request.headers()) {
        return refuse(
            StatusCode::FORBIDDEN,
            "cross-origin requests are refused: use the sandbox's own pages or a tool",
        );
    }
    next.run(request).await
}

/// The admin API's door: the admin token, and JSON bodies only.
pub async fn admin(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    let headers = request.headers();
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim());
    let valid =
        presented.is_some_and(|t| bool::from(t.as_bytes().ct_eq(shared.admin_token.as_bytes())));
    if !valid {
        let mut response = refuse(
            StatusCode::UNAUTHORIZED,
            "the admin API needs `Authorization: Bearer <admin token>`; the sandbox prints the \
             token at start and keeps it in its admin token file",
        );
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"grantry-sandbox-admin\""),
        );
        return response;
    }
    let has_body = headers.contains_key(header::TRANSFER_ENCODING)
        || headers
            .get(header::CONTENT_LENGTH)
            .is_some_and(|v| v.as_bytes() != b"0");
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"));
    if (has_body || headers.contains_key(header::CONTENT_TYPE)) && !json {
        return refuse(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "admin API bodies must be sent as Content-Type: application/json",
        );
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_sandbox_s_own_names_and_port_are_its_own() {
        assert!(is_own_authority(7461, "127.0.0.1:7461"));
        assert!(is_own_authority(7461, "LOCALHOST:7461"));
        assert!(is_own_authority(7461, "[::1]:7461"));
        assert!(!is_own_authority(7461, "127.0.0.1:7462"));
        assert!(!is_own_authority(7461, "127.0.0.1"));
        assert!(!is_own_authority(7461, "evil.example:7461"));
        let mut headers = HeaderMap::new();
        assert!(!foreign_origin(7461, &headers), "tools send no Origin");
        for (origin, foreign) in [
            ("http://127.0.0.1:7461", false),
            ("http://localhost:7461", false),
            ("null", true),
            ("https://127.0.0.1:7461", true),
            ("http://evil.example", true),
        ] {
            headers.insert(header::ORIGIN, HeaderValue::from_static(origin));
            assert_eq!(foreign_origin(7461, &headers), foreign, "{origin}");
        }
    }
}
