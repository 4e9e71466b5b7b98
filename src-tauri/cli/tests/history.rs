//! `grantry history` end to end: people read each entry's date and time in their local time
//! zone (here set with `TZ`), scripts read Unix seconds from `--json`.

use crate::support;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use support::env;

/// `at` written as the history writes it, in UTC shifted by `offset` seconds.
fn written(at: i64, offset: i64) -> String {
    Timestamp::from_second(at + offset)
        .expect("a time")
        .to_zoned_datetime(TimeZone::UTC)
        .strftime("%Y-%m-%d %H:%M:%S")
        .to_string()
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the throwaway Secret Service: run through `make test`"]
async fn history_shows_local_times_and_json_keeps_seconds() {
    let env = env().await;
    let (code, alice) = env.json(&["link", "sandbox", "--browser", &env.consent("alice", "")]);
    assert_eq!(code, 0, "{alice}");
    let (code, history) = env.json(&["history"]);
    assert_eq!(code, 0, "{history}");
    let at = history[0]["at"]
        .as_i64()
        .expect("--json keeps Unix seconds");

    let newest_row = |tz: &str| {
        let output = env.run(env.command().arg("history").env("TZ", tz));
        let text = String::from_utf8_lossy(&output.stdout).into_owned();
        assert!(output.status.success(), "{text}");
        assert!(text.starts_with("AT "), "{text}");
        assert!(!text.contains(&at.to_string()), "no Unix seconds: {text}");
        text.lines().nth(1).expect("an entry").to_owned()
    };
    let utc = newest_row("UTC");
    assert!(utc.starts_with(&written(at, 0)), "{utc}");
    // A zone five and a half hours east of UTC, as a POSIX TZ string.
    let east = newest_row("XST-5:30");
    assert!(east.starts_with(&written(at, 5 * 3600 + 30 * 60)), "{east}");
}
