//! `grantry exchange` end to end (RFC 8693 at the sandbox): the new token's claims printed
//! and the token hidden; `--reveal` prints it alone; `--save` writes a new private file and
//! never over one; the provider's refusals get the provider's exit code and plain words; each
//! exchange is in the history. The sweep then finds the exchanged tokens (the sandbox's token
//! log has them) nowhere in the data folder or in what was printed without `--reveal`.

use grantry_core::TokenShape;
use grantry_core::oauth::token_shape;
use serde_json::Value;

use crate::support::{Env, env};

const API: &str = "https://api.sandbox.grantry.test";

fn linked(env: &Env, user: &str) -> String {
    let (code, account) = env.json(&["link", "sandbox", "--browser", &env.consent(user, "")]);
    assert_eq!(code, 0, "{account}");
    account["id"].to_string()
}

fn claims_of(jwt: &str) -> Value {
    match token_shape::shape(jwt.trim()) {
        TokenShape::Jwt { claims, .. } => serde_json::from_str(&claims).expect("claims"),
        other => panic!("a signed JWT, not {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the throwaway Secret Service: run through `make test`"]
async fn exchange_shows_the_new_token_decoded_and_keeps_it_only_when_asked() {
    let env = env().await;
    let id = linked(&env, "alice");

    let (code, answer) = env.json(&[
        "exchange",
        &id,
        "--audience",
        API,
        "--scope",
        "openid email",
    ]);
    assert_eq!(code, 0, "{answer}");
    assert_eq!(
        answer["issued_token_type"],
        "urn:ietf:params:oauth:token-type:access_token"
    );
    assert_eq!(answer["scopes"], serde_json::json!(["openid", "email"]));
    assert_eq!(answer["token"]["shape"], "jwt");
    let claims: Value =
        serde_json::from_str(answer["token"]["claims"].as_str().expect("claims")).expect("json");
    assert_eq!(claims["aud"], API);
    assert!(answer.get("handle").is_none(), "{answer}");

    let text = env.grantry(&["exchange", &id, "--audience", API]);
    assert!(text.status.success());
    let said = String::from_utf8(text.stdout).expect("utf-8");
    for expected in [
        "Audience:    https://api.sandbox.grantry.test",
        "a signed JWT, hidden",
        "\"aud\"",
    ] {
        assert!(said.contains(expected), "{expected:?} in\n{said}");
    }

    // --reveal prints the token alone: the one the sandbox issued, for the audience asked.
    let revealed = env.handing(&[
        "exchange",
        &id,
        "--resource",
        "https://files.sandbox.grantry.test/",
        "--reveal",
    ]);
    assert!(
        revealed.status.success(),
        "{}",
        String::from_utf8_lossy(&revealed.stderr)
    );
    let token = String::from_utf8(revealed.stdout).expect("utf-8");
    assert_eq!(token.lines().count(), 1, "{token}");
    assert_eq!(
        claims_of(&token)["aud"],
        "https://files.sandbox.grantry.test/"
    );
    let log = std::fs::read_to_string(env.token_log()).expect("token log");
    assert!(
        log.lines().any(|line| line == token.trim()),
        "issued by the sandbox"
    );

    // --save writes a new file of this user's only, and never over an existing one.
    let path = env.dir.path().join("exchanged.jwt");
    let saved = env.grantry(&[
        "exchange",
        &id,
        "--audience",
        "grantry-confidential",
        "--save",
        path.to_str().expect("path"),
    ]);
    assert!(
        saved.status.success(),
        "{}",
        String::from_utf8_lossy(&saved.stderr)
    );
    let kept = std::fs::read_to_string(&path).expect("saved");
    assert_eq!(claims_of(&kept)["aud"], "grantry-confidential");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777,
        0o600
    );
    let again = env.grantry(&["exchange", &id, "--save", path.to_str().expect("path")]);
    assert_eq!(again.status.code(), Some(3), "invalid input");
    assert_eq!(
        std::fs::read_to_string(&path).expect("kept"),
        kept,
        "not written over"
    );
    std::fs::remove_file(&path).expect("cleaned up");

    let (_, history) = env.json(&["history"]);
    let kinds: Vec<&str> = history
        .as_array()
        .expect("history")
        .iter()
        .filter_map(|e| e["kind"].as_str())
        .collect();
    assert!(
        kinds.iter().filter(|k| **k == "token_exchanged").count() >= 4,
        "{kinds:?}"
    );
    assert!(kinds.contains(&"exchanged_token_saved"), "{kinds:?}");
    assert!(kinds.contains(&"access_token_revealed"), "{kinds:?}");
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the throwaway Secret Service: run through `make test`"]
async fn the_providers_refusals_are_explained_with_its_exit_code() {
    let env = env().await;
    let id = linked(&env, "alice");
    for (args, code, words) in [
        (vec!["--scope", "files.write"], 5, "only narrow the scopes"),
        (
            vec!["--audience", "https://api.example.com"],
            5,
            "does not know the audience",
        ),
        (
            vec!["--subject", "id", "--requested-token-type", "refresh_token"],
            5,
            "invalid_request",
        ),
        (vec!["--resource", "relative/path"], 3, "absolute URI"),
        (
            vec!["--requested-token-type", "bearer"],
            3,
            "not a token type",
        ),
    ] {
        let mut all = vec!["exchange", id.as_str()];
        all.extend_from_slice(&args);
        let output = env.grantry(&all);
        assert_eq!(output.status.code(), Some(code), "{args:?}");
        assert!(output.stdout.is_empty(), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(words), "{args:?}: {stderr}");
    }
    let unknown = env.grantry(&["exchange", "nobody@example.com"]);
    assert_eq!(unknown.status.code(), Some(13));
}
