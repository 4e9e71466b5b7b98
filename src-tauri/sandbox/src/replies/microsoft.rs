//! The Microsoft identity platform's error bodies: `{"error", "error_description",
//! "error_codes", "timestamp", "trace_id", "correlation_id"}`, the description starting with its
//! AADSTS code and ending with the trace and correlation ids and the time, as Microsoft's do;
//! and the AADSTS refusals the `aadsts` fault can inject (`src/faults.rs`). The Microsoft
//! personality answers with them (`src/routes/microsoft.rs`, `src/routes/token.rs`).

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;

use super::no_store;
use crate::oauth_error::OAuthError;
use crate::store::{AADSTS50173, AADSTS700082};

/// The faults `aadsts` can inject at the token endpoint: the code, its `error`, and its
/// description.
pub const AADSTS_FAULTS: &[(u32, &str, &str)] = &[
    (50173, "invalid_grant", AADSTS50173),
    (
        65001,
        "invalid_grant",
        "AADSTS65001: The user or administrator has not consented to use the application. \
         Send an interactive authorization request for this user and resource.",
    ),
    (700082, "invalid_grant", AADSTS700082),
];

/// The `aadsts` fault's answer for `code`; `None` for a code it does not know.
pub fn fault_error(code: u32) -> Option<Response> {
    let (_, error, description) = AADSTS_FAULTS.iter().find(|(c, _, _)| *c == code)?;
    Some(aad_error(StatusCode::BAD_REQUEST, error, description))
}

/// An OAuth error at the token endpoint in Microsoft's shape: the AADSTS code its description
/// starts with, else the one Microsoft uses for that kind of error.
pub fn error(error: &OAuthError) -> Response {
    let status = StatusCode::from_u16(error.status).unwrap_or(StatusCode::BAD_REQUEST);
    if error.description.starts_with("AADSTS") {
        return aad_error(status, error.code, &error.description);
    }
    let code = match error.code {
        "invalid_client" => 7000215,
        "unauthorized_client" => 700016,
        "unsupported_grant_type" => 70003,
        "invalid_scope" => 70011,
        "invalid_grant" => 70000,
        _ => 900144,
    };
    let description = format!("AADSTS{code}: {}", error.description);
    aad_error(status, error.code, &description)
}

/// `{"error", "error_description", "error_codes", "timestamp", "trace_id", "correlation_id"}`,
/// the description ending with the trace and correlation ids and the time, as Microsoft's do.
pub(crate) fn aad_error(status: StatusCode, error: &str, description: &str) -> Response {
    let code: Option<u64> = description
        .strip_prefix("AADSTS")
        .and_then(|rest| rest.split(':').next())
        .and_then(|digits| digits.parse().ok());
    let timestamp = timestamp(wall_clock());
    let (trace_id, correlation_id) = (guid(), guid());
    let mut body = json!({
        "error": error,
        "error_description": format!(
            "{description}\r\nTrace ID: {trace_id}\r\nCorrelation ID: {correlation_id}\r\n\
             Timestamp: {timestamp}"
        ),
        "error_codes": code.into_iter().collect::<Vec<_>>(),
        "timestamp": timestamp,
        "trace_id": trace_id,
        "correlation_id": correlation_id,
    });
    if code == Some(65001) {
        // What tells a client that only an interactive consent will help.
        body["suberror"] = json!("consent_required");
    }
    no_store(status, body)
}

fn wall_clock() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// `YYYY-MM-DD hh:mm:ssZ` (UTC) for seconds since the Unix epoch, as Microsoft's `timestamp`.
fn timestamp(seconds: u64) -> String {
    let (days, rest) = (seconds / 86400, seconds % 86400);
    // Days to a civil date in the proleptic Gregorian calendar, by 400-year eras.
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// A random GUID-shaped id, for trace and correlation ids.
fn guid() -> String {
    let mut bytes = [0u8; 16];
    crate::random::fill(&mut bytes);
    guid_from(&bytes)
}

pub(crate) fn guid_from(bytes: &[u8]) -> String {
    let hex: String = bytes.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_utc_civil_dates() {
        assert_eq!(timestamp(0), "1970-01-01 00:00:00Z");
        assert_eq!(timestamp(951_782_400), "2000-02-29 00:00:00Z");
        assert_eq!(timestamp(1_767_225_599), "2025-12-31 23:59:59Z");
    }

    #[test]
    fn guids_have_microsofts_shape() {
        let id = guid();
        let parts: Vec<usize> = id.split('-').map(str::len).collect();
        assert_eq!(parts, [8, 4, 4, 4, 12]);
    }
}
