//! How results and failures reach the terminal, shared by every command: a table or sentence
//! for people, JSON with `--json` for scripts, an exit code per kind of failure (documented in
//! the README), and the few ways of writing a value that people read (times, enum names).

use std::process::ExitCode;

use grantry_core::{Error, ErrorCode, IpcError};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Serialize;

/// Exit codes, one per [`ErrorCode`], so scripts can branch without parsing messages.
pub fn exit_code(code: ErrorCode) -> u8 {
    match code {
        ErrorCode::Internal => 1,
        ErrorCode::InvalidInput => 3,
        ErrorCode::ProviderUnreachable => 4,
        ErrorCode::ProviderError => 5,
        ErrorCode::ConsentDenied => 6,
        ErrorCode::InvalidCallback => 7,
        ErrorCode::KeyringUnavailable => 8,
        ErrorCode::NeedsRelink => 10,
        ErrorCode::WrongAccount => 11,
        ErrorCode::Storage | ErrorCode::SchemaTooNew => 9,
    }
}

/// Prints a failure (as `{"error": {code, message}}` with `--json`) and returns its exit code.
pub fn failure(json: bool, error: &IpcError) -> ExitCode {
    if json {
        println!("{}", serde_json::json!({ "error": error }));
    } else {
        eprintln!("grantry: {}", error.message);
    }
    ExitCode::from(exit_code(error.code))
}

/// How a batch (`refresh --all`, `revoke --pending`) ends, after each account's outcome was
/// printed: with its first failure, so that the exit code tells a script something failed.
pub fn first_failure<T>(outcomes: Vec<(i64, Result<T, Error>)>) -> Result<(), Error> {
    match outcomes.into_iter().find_map(|(_, outcome)| outcome.err()) {
        Some(error) => Err(error),
        None => Ok(()),
    }
}

/// Prints `value` as JSON, or `human` as text.
pub fn print<T: Serialize>(json: bool, value: &T, human: impl FnOnce() -> String) {
    if json {
        match serde_json::to_string_pretty(value) {
            Ok(text) => println!("{text}"),
            Err(error) => eprintln!("grantry: cannot print JSON: {error}"),
        }
    } else {
        let text = human();
        if !text.is_empty() {
            println!("{text}");
        }
    }
}

/// A Unix time in seconds as people read it: the date and time in the local time zone (the
/// system's, or `TZ`), such as `2026-11-26 14:03:12`. JSON output keeps the seconds.
pub fn local_time(unix_seconds: i64) -> String {
    match Timestamp::from_second(unix_seconds) {
        Ok(at) => at
            .to_zoned_datetime(TimeZone::system())
            .strftime("%Y-%m-%d %H:%M:%S")
            .to_string(),
        // Outside the range a date can be written in: the number is still the truth.
        Err(_) => unix_seconds.to_string(),
    }
}

/// The name a value serializes to, for enums that serialize to a string (an account's status,
/// an activity's kind…), so that the text output uses the same words as the JSON.
pub fn name_of<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// Rows as an aligned table with a header.
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        padded.join("  ").trim_end().to_owned()
    };
    let mut out = vec![line(header.to_vec())];
    out.extend(
        rows.iter()
            .map(|row| line(row.iter().map(String::as_str).collect())),
    );
    out.join("\n")
}
