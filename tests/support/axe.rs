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
    let found = results(app, state);
    // What axe could not decide (contrast over a backdrop, say) is listed for a person to
    // look at, in the test's output; it fails nothing.
    for review in found["incomplete"].as_array().into_iter().flatten() {
        eprintln!("axe: needs review on {state}: {review}");
    }
    let serious: Vec<Value> = found["violations"]
        .as_array()
        .cloned()
        .unwrap_or_default()
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

/// What axe-core finds on the page: `violations` and `incomplete` (what needs review), each
/// with its rule, impact, help and elements.
fn results(page: &Session, state: &str) -> Value {
    let script = format!(
        "const done = arguments[arguments.length - 1];\
         if (!window.axe) {{ {} }}\
         const brief = (v) => ({{ id: v.id, impact: v.impact, help: v.help,\
           nodes: v.nodes.map((n) => n.target.join(' ')) }});\
         window.axe.run(document, {{ resultTypes: ['violations', 'incomplete'] }})\
           .then((r) => done({{ violations: r.violations.map(brief),\
              incomplete: r.incomplete.map(brief) }}))\
           .catch((e) => done({{ error: String(e) }}));",
        axe_source()
    );
    let result = page.execute_async(&script, json!([]));
    assert!(
        result.get("error").is_none() && result["violations"].is_array(),
        "axe failed on {state}: {result}"
    );
    result
}

/// What axe-core finds on the page, each violation with its rule, impact, help and elements.
fn violations(page: &Session, state: &str) -> Vec<Value> {
    results(page, state)["violations"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}
