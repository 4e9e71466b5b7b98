//! How results and failures reach the terminal, shared by every command: a table or sentence
//! for people, JSON with `--json` for scripts, an exit code per kind of failure (documented in
//! docs/cli.md), and the few ways of writing a value that people read (times, enum names).

use std::process::ExitCode;

use grantry_core::{Error, ErrorCode, IpcError};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Serialize;
use unicode_width::UnicodeWidthStr;

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
        ErrorCode::ResponseTooLarge => 12,
        ErrorCode::UnknownAccount => 13,
        ErrorCode::Revoked => 14,
        // 15 is REVOCATION_NOT_EFFECTIVE, below.
        ErrorCode::Expired => 16,
        // As a shell says Ctrl+C: the one way the command line cancels a link.
        ErrorCode::Cancelled => 130,
        ErrorCode::Storage | ErrorCode::SchemaTooNew => 9,
    }
}

/// The exit code of `grantry revoke` when the provider accepted a revocation that did not
/// take (the account is kept): not a failure of the command, which printed its receipt.
pub const REVOCATION_NOT_EFFECTIVE: u8 = 15;

/// Prints a failure (as `{"error": {code, message}}` with `--json`) and returns its exit code.
pub fn failure(json: bool, error: &IpcError) -> ExitCode {
    if json {
        println!("{}", serde_json::json!({ "error": error }));
    } else {
        eprintln!("grantry: {}", terminal_safe(&error.message));
    }
    ExitCode::from(exit_code(error.code))
}

/// How a batch (`refresh --all`, `revoke --pending`, `link --users`) ends, after each item's
/// outcome was printed: with its first failure, so that the exit code tells a script something
/// failed.
pub fn first_failure<K, T>(outcomes: Vec<(K, Result<T, Error>)>) -> Result<(), Error> {
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
        let text = terminal_safe(&human());
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

/// A length of time in seconds as people write it, to the unit that matters: `45 s`,
/// `12 min`, `3 h 20 min`, `1 day 4 h`, `59 days`. What is below the units shown is left out
/// (rounded down), so a token said to last `59 min` lasts at least that. JSON output keeps the
/// seconds.
pub fn span(seconds: u64) -> String {
    const MINUTE: u64 = 60;
    const HOUR: u64 = 60 * MINUTE;
    const DAY: u64 = 24 * HOUR;
    let (days, hours, minutes) = (seconds / DAY, seconds % DAY / HOUR, seconds % HOUR / MINUTE);
    match seconds {
        0..MINUTE => format!("{seconds} s"),
        MINUTE..HOUR => format!("{minutes} min"),
        HOUR..DAY if minutes == 0 => format!("{hours} h"),
        HOUR..DAY => format!("{hours} h {minutes} min"),
        _ if days >= 2 => format!("{days} days"),
        _ if hours == 0 => "1 day".to_owned(),
        _ => format!("1 day {hours} h"),
    }
}

/// When `at` is as seen from `now` (both Unix seconds), as people say it: `in 59 days`,
/// `in 3 h 20 min`, `in 45 s`, `5 min ago`, or `now`.
pub fn relative(at: i64, now: i64) -> String {
    let apart = span(at.abs_diff(now));
    match at.cmp(&now) {
        std::cmp::Ordering::Greater => format!("in {apart}"),
        std::cmp::Ordering::Less => format!("{apart} ago"),
        std::cmp::Ordering::Equal => "now".to_owned(),
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

/// Text for a terminal: much of what is printed comes from providers (names, emails, error
/// descriptions) or from links anyone can send, and a control character in it could move the
/// cursor, recolour, retitle or otherwise drive the terminal (ESC and the C1 controls start
/// those sequences), and a bidirectional override could reorder what is read. Each is
/// replaced with U+FFFD; line breaks and tabs stay. JSON output escapes them already.
pub fn terminal_safe(text: &str) -> String {
    text.chars()
        .map(|c| {
            let control = c.is_control() && c != '\n' && c != '\t';
            let reorders = matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
            if control || reorders { '\u{FFFD}' } else { c }
        })
        .collect()
}

/// Rows as an aligned table with a header. A line break or tab inside a cell becomes a space,
/// so that a provider's text cannot start a row of its own. Columns are aligned by the width a
/// terminal gives the text (`佐藤` takes four columns, `🙂` two, the accent of a decomposed
/// `ë` none), not by its number of characters, so names in any script line up.
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            row.iter()
                .map(|cell| terminal_safe(&cell.replace(['\n', '\r', '\t'], " ")))
                .collect()
        })
        .collect();
    let rows = rows.as_slice();
    let mut widths: Vec<usize> = header.iter().map(|h| h.width()).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.width());
        }
    }
    let line = |cells: Vec<&str>| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(cell, width)| {
                format!("{cell}{}", " ".repeat(width.saturating_sub(cell.width())))
            })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_could_drive_a_terminal_is_replaced_and_lines_stay() {
        let hostile = "Eve\u{1b}]0;pwned\u{7}\u{1b}[2J\u{9b}31m\u{202E}gpj.exe\r\nnext\tline";
        let shown = terminal_safe(hostile);
        assert!(
            !shown
                .chars()
                .any(|c| c == '\u{1b}' || c == '\u{7}' || c == '\u{9b}')
        );
        assert!(
            !shown.contains('\u{202E}') && !shown.contains('\r'),
            "{shown:?}"
        );
        assert!(shown.starts_with("Eve\u{FFFD}]0;pwned"), "{shown:?}");
        assert!(shown.ends_with("\nnext\tline"), "{shown:?}");
        assert_eq!(terminal_safe("Zoë 佐藤 🙂"), "Zoë 佐藤 🙂");
    }

    #[test]
    fn spans_are_written_as_people_write_them() {
        let cases = [
            (0, "0 s"),
            (45, "45 s"),
            (59, "59 s"),
            (60, "1 min"),
            (12 * 60 + 59, "12 min"),
            (3600, "1 h"),
            (3 * 3600 + 20 * 60 + 7, "3 h 20 min"),
            (86_399, "23 h 59 min"),
            (86_400, "1 day"),
            (86_400 + 4 * 3600 + 59, "1 day 4 h"),
            (2 * 86_400, "2 days"),
            (59 * 86_400 + 23 * 3600, "59 days"),
            (400 * 86_400, "400 days"),
        ];
        for (seconds, said) in cases {
            assert_eq!(span(seconds), said, "{seconds} s");
        }
    }

    #[test]
    fn times_are_said_from_now() {
        let now = 1_800_000_000;
        assert_eq!(relative(now + 59 * 86_400 + 5, now), "in 59 days");
        assert_eq!(relative(now + 3 * 3600 + 20 * 60, now), "in 3 h 20 min");
        assert_eq!(relative(now + 45, now), "in 45 s");
        assert_eq!(relative(now - 5 * 60 - 30, now), "5 min ago");
        assert_eq!(relative(now, now), "now");
        // Far apart: no overflow.
        assert_eq!(
            relative(i64::MAX, i64::MIN),
            format!("in {} days", u64::MAX / 86_400)
        );
    }

    #[test]
    fn columns_line_up_by_display_width() {
        let names = [
            "Ann",
            "佐藤 花子",
            "Zoe\u{308} 🙂",
            "Jos\u{e9}",
            "😀😀😀😀😀😀",
        ];
        let rows: Vec<Vec<String>> = names
            .iter()
            .enumerate()
            .map(|(id, name)| vec![id.to_string(), (*name).to_owned(), "a@example.com".into()])
            .collect();
        let text = table(&["ID", "NAME", "EMAIL"], &rows);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), names.len() + 1, "{text}");
        // Where the EMAIL column starts, in terminal columns, on each line.
        let starts: Vec<usize> = lines
            .iter()
            .map(|line| {
                let at = line
                    .find("EMAIL")
                    .or(line.find("a@"))
                    .expect("the EMAIL column");
                line[..at].width()
            })
            .collect();
        // The widest name, six emoji, takes twelve columns: ID (2) + 2 + 12 + 2.
        assert!(starts.iter().all(|&s| s == 18), "{starts:?}\n{text}");
    }

    #[test]
    fn a_cell_cannot_break_its_row() {
        let rows = vec![vec!["1".to_owned(), "Mallory\n2  forged row".to_owned()]];
        let text = table(&["ID", "NAME"], &rows);
        assert_eq!(text.lines().count(), 2, "{text}");
    }
}
