//! What a web page or a slow disk cannot do to the sandbox: make it keep huge parameters, push
//! out the consent page the person has open, or make token requests wait on the state file
//! being written.

use crate::support;

use std::time::Duration;

use grantry_sandbox::{Personality, SandboxConfig};
use reqwest::StatusCode;
use support::{PUBLIC, generic_request, query, start, start_with};

#[tokio::test]
async fn parameters_longer_than_2_kib_are_refused() {
    let h = start(Personality::Generic).await;
    let huge = "x".repeat(2049);
    let page = h.open(&generic_request().with("state_extra", &huge)).await;
    let (status, html) = page.err().expect("refused");
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("longer than 2048 bytes"), "{html}");
    let (status, body) = h
        .post_form(
            "/token",
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", &huge),
                ("client_id", PUBLIC),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"], "invalid_request");
    let fits = "x".repeat(2048);
    assert!(h.open(&generic_request().with("x", &fits)).await.is_ok());
}

/// A page that makes the browser GET the authorization endpoint over and over (each an
/// `<img>`: `Sec-Fetch-Site: cross-site`) while the person has the consent page open, plus a
/// program sending no Fetch Metadata: the person's request is still answered.
#[tokio::test]
async fn a_flood_of_forged_requests_does_not_push_out_the_persons_consent() {
    let h = start(Personality::Generic).await;
    let real = generic_request();
    let page = h.open(&real).await.expect("the person's consent page");
    let forged = generic_request();
    let url = forged.url(h.issuer());
    // More than the 1,000 requests the sandbox keeps waiting (`MAX_PENDING`, src/store/mod.rs).
    for n in 0..1_100 {
        let mut get = h.http.get(&url);
        if n % 2 == 0 {
            get = get
                .header("sec-fetch-site", "cross-site")
                .header("sec-fetch-dest", "image");
        }
        let response = get.send().await.expect("forged GET");
        assert_eq!(response.status(), StatusCode::OK, "request {n}");
    }
    let back = h
        .decide(&page, &[("decision", "allow"), ("user", "alice")])
        .await;
    let params = query(&url::Url::parse(&back).expect("redirect"));
    assert_eq!(params.get("state"), Some(&real.state), "{back}");
    let code = params
        .get("code")
        .unwrap_or_else(|| panic!("no code: {back}"));
    let (status, tokens) = h.exchange("/token", &real, code).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    assert!(tokens["access_token"].is_string(), "{tokens}");
}

/// The state file's temporary file replaced by a named pipe nobody reads: opening it to write
/// blocks until someone opens it to read. Token requests must not wait for that.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn token_requests_do_not_wait_for_the_state_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("sandbox.json");
    let mut config = SandboxConfig::new(Personality::Generic);
    config.state_file = Some(path.clone());
    let h = start_with(config).await;
    let pipe = dir.path().join("sandbox.json.partial");
    let made = std::process::Command::new("mkfifo")
        .arg(&pipe)
        .status()
        .expect("mkfifo");
    assert!(made.success());

    let flow = async {
        let tokens = h.link(&generic_request(), "alice").await;
        let (status, body) = h
            .refresh(tokens["refresh_token"].as_str().expect("rt"))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    };
    let answered = tokio::time::timeout(Duration::from_secs(10), flow).await;

    // Unblock the writer either way, so the test ends: on Linux, opening a pipe to read and
    // write never blocks, and gives the blocked writer its reader (its few kilobytes fit in
    // the pipe's buffer). Then the pipe goes, so the final save makes a real file.
    let reader = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&pipe)
        .expect("open the pipe");
    std::fs::remove_file(&pipe).expect("remove the pipe");
    assert!(answered.is_ok(), "a token request waited on the disk");
    h.sandbox.stop().await;
    drop(reader);
    let saved = std::fs::read_to_string(&path).expect("state file");
    assert!(
        saved.contains("user-alice"),
        "the final state is saved on stop"
    );
}
