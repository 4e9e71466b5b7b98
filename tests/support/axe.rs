//! Accessibility checks in the real window: axe-core (from the UI's dev dependencies) is
//! injected through WebDriver and run on the page as it is; serious and critical violations
//! fail the test, each named with the elements it found. The pages a person's own browser
//! shows (the HTTPS bridge, the sandbox's consent page) are held to every rule (`check_every`).

use serde_json::{Value, json};

use super::webdriver::Session;

/// The axe-core build the UI's `npm ci` installed.
fn axe_source() -> String {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/ui/node_modules/axe-core/axe.min.js"
    );
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{path}: {e} (make test installs the UI's packages)"))
}

/// Runs axe-core on the window as it is now; panics listing every serious or critical
/// violation. `state` names the screen or dialog in the message.
pub fn check(app: &Session, state: &str) {
    let serious: Vec<Value> = violations(app, state)
        .into_iter()
        .filter(|v| matches!(v["impact"].as_str(), Some("serious" | "critical")))
        .collect();
    assert!(
        serious.is_empty(),
        "accessibility violations on {state}: {}",
        serde_json::to_string_pretty(&serious).unwrap_or_default()
    );
}

/// Runs axe-core on the page as it is now; panics listing every violation, whatever its
/// impact. `state` names the page in the message.
pub fn check_every(page: &Session, state: &str) {
    let all = violations(page, state);
    assert!(
        all.is_empty(),
        "accessibility violations on {state}: {}",
        serde_json::to_string_pretty(&all).unwrap_or_default()
    );
}

/// What axe-core finds on the page, each violation with its rule, impact, help and elements.
fn violations(page: &Session, state: &str) -> Vec<Value> {
    let script = format!(
        "const done = arguments[arguments.length - 1];\
         if (!window.axe) {{ {} }}\
         window.axe.run(document, {{ resultTypes: ['violations'] }})\
           .then((r) => done(r.violations.map((v) => ({{ id: v.id, impact: v.impact,\
              help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) }}))))\
           .catch((e) => done({{ error: String(e) }}));",
        axe_source()
    );
    let result = page.execute_async(&script, json!([]));
    assert!(
        result.get("error").is_none(),
        "axe failed on {state}: {result}"
    );
    result.as_array().cloned().unwrap_or_default()
}
