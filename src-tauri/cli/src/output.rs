//! How results and failures reach the terminal: a table or sentence for people, JSON with
//! `--json` for scripts, and an exit code per kind of failure (documented in the README).

use std::process::ExitCode;

use grantry_core::{ErrorCode, IpcError};
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
