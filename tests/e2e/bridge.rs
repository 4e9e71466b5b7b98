//! The HTTPS bridge (`bridge/`; its README says why it exists) in a real browser: headless
//! Chromium loads it from a loopback host, under the path GitHub Pages would give it, with the
//! query a provider's redirect carries. Each handoff is observed where it happens, in the
//! browser's DevTools events: `Page.frameRequestedNavigation` (the navigation the page asked
//! for) and `Network.requestWillBeSent` (the browser starting it), not read off a link. Each
//! refusal is shown to ask for no navigation at all. axe-core holds the bridge and the
//! sandbox's consent page to every rule.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use grantry_sandbox::config::GRANTRY_CLIENT_ID;
use grantry_sandbox::{Personality, Sandbox, SandboxConfig};
use serde_json::{Value, json};

use super::support::axe;
use super::support::chromium::Chromium;
use super::support::static_site::StaticSite;
use super::support::webdriver::{Session, wait_until};
use super::{scratch_session, screenshot_dir};

/// Where the bridge hands the answer: Grantry's own redirect URI.
const TARGET: &str = "dev.grantry:/oauth/callback";

/// Where the bridge is served, as GitHub Pages serves a repository named `grantry-bridge`.
const PREFIX: &str = "/grantry-bridge/";

/// One Chromium at a time: the machine has two cores, and the app's tests run beside these.
static ONE_BROWSER: Mutex<()> = Mutex::new(());

fn bridge_folder() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("bridge")
}

/// What the bridge did with one address.
#[derive(Debug)]
struct Outcome {
    /// `handoff` or `refused` (the page's `data-state`).
    state: String,
    heading: String,
    /// The text of the page's main landmark.
    text: String,
    /// The refusal's reason, when refused.
    reason: Option<String>,
    /// The Open Grantry link's target, when there is one.
    link: Option<String>,
    /// The address bar afterwards.
    url: String,
    /// Every navigation the page asked for (`Page.frameRequestedNavigation`), in order.
    requested: Vec<String>,
    /// Every request the browser started for a `dev.grantry:` address.
    started: Vec<String>,
}

/// Loads the bridge with `query` (a query and any fragment) and reads what it did; with
/// `click`, the page's Open Grantry link is then followed, by its `click()`: once a page has
/// asked for an app, headless Chromium (156) delivers WebDriver's clicks to no element of it.
///
/// Once the page says what it decided, it is sent to a last address of the test's own (the
/// sentinel); DevTools events arrive in order, so every navigation the bridge asked for is in
/// the performance log before the sentinel's, and a refusal is proven to have asked for none
/// without waiting for a fixed time.
fn load(page: &Session, site: &StaticSite, query: &str, case: usize, click: bool) -> Outcome {
    page.performance_log();
    page.navigate(&format!("{}{query}", site.url()));
    let mut seen = Value::Null;
    wait_until(
        &format!("the bridge to decide on {query:?}"),
        Duration::from_secs(20),
        || {
            seen = page.execute(
                "const reason = document.getElementById('reason');\
                 const link = document.getElementById('open');\
                 return { state: document.body.getAttribute('data-state'),\
                          heading: document.getElementById('title').textContent,\
                          text: document.querySelector('main').innerText,\
                          reason: reason && reason.textContent,\
                          link: link && link.getAttribute('href') };",
                json!([]),
            );
            !seen["state"].is_null()
        },
    );
    let url = page.url();
    if click {
        page.execute("document.getElementById('open').click();", json!([]));
    }
    let sentinel = format!("{}sentinel-{case}", site.url());
    page.execute("location.assign(arguments[0]);", json!([sentinel]));
    let mut events = Vec::new();
    let mut at = None;
    wait_until(
        "the sentinel navigation in the performance log",
        Duration::from_secs(20),
        || {
            events.extend(page.performance_log());
            at = events.iter().position(|e| {
                e["method"] == "Page.frameRequestedNavigation" && e["params"]["url"] == sentinel
            });
            at.is_some()
        },
    );
    let events = &events[..at.unwrap_or_default()];
    let string = |value: &Value| value.as_str().map(str::to_owned);
    Outcome {
        state: string(&seen["state"]).unwrap_or_default(),
        heading: string(&seen["heading"]).unwrap_or_default(),
        text: string(&seen["text"]).unwrap_or_default(),
        reason: string(&seen["reason"]),
        link: string(&seen["link"]),
        url,
        requested: events
            .iter()
            .filter(|e| e["method"] == "Page.frameRequestedNavigation")
            .filter_map(|e| string(&e["params"]["url"]))
            .collect(),
        started: events
            .iter()
            .filter(|e| e["method"] == "Network.requestWillBeSent")
            .filter_map(|e| string(&e["params"]["request"]["url"]))
            .filter(|url| url.starts_with("dev.grantry:"))
            .collect(),
    }
}

/// Chromium with the bridge served on loopback.
fn bridge_and_browser(name: &str) -> (StaticSite, Chromium) {
    scratch_session();
    std::fs::create_dir_all(screenshot_dir()).expect("the log folder");
    let site = StaticSite::serve(&bridge_folder(), PREFIX);
    let browser = Chromium::start(&screenshot_dir().join(format!("{name}-chromedriver.log")));
    (site, browser)
}

/// No request the bridge's page made told the site where it came from: the page's address
/// holds the code (`<meta name="referrer" content="no-referrer">`). The test's sentinel page
/// is no bridge, and its favicon request names it.
fn assert_no_referer(site: &StaticSite) {
    let requests = site.requests();
    assert!(requests.len() > 2, "{requests:?}");
    let sentinel = format!("{}sentinel-", site.url());
    let told: Vec<String> = requests
        .iter()
        .filter_map(|r| {
            let referer = r.referer.as_ref()?;
            (!referer.starts_with(&sentinel)).then(|| format!("{} (Referer: {referer})", r.target))
        })
        .collect();
    assert!(told.is_empty(), "requests that sent a Referer: {told:?}");
}

/// The page's console holds no script error and no Content Security Policy violation: the
/// policy lets the page's own script and style sheet run, and nothing else was tried.
fn assert_clean_console(page: &Session) {
    let console = page.log("browser");
    let wrong: Vec<&Value> = console
        .iter()
        .filter(|entry| {
            let message = entry["message"].as_str().unwrap_or_default();
            ["Content Security Policy", "Uncaught", "Refused to"]
                .iter()
                .any(|sign| message.contains(sign))
        })
        .collect();
    assert!(wrong.is_empty(), "the console says: {wrong:#?}");
}

#[test]
#[ignore = "needs Chromium, chromedriver and a throwaway session: run through `make test`"]
fn the_bridge_hands_the_answer_to_grantry() {
    let _browser = ONE_BROWSER
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let (site, browser) = bridge_and_browser("bridge-handoff");
    let page = browser.session();
    let cases = [
        // Facebook's answer: its "#_=_" fragment is ignored; values stay as encoded as sent.
        (
            "?code=AQD_9x-Y.z~1%2F2&state=Zm9v.bar_baz-1#_=_",
            "?code=AQD_9x-Y.z~1%2F2&state=Zm9v.bar_baz-1",
        ),
        // Google's: parameters in another order, and some Grantry does not read, dropped.
        (
            "?state=s%2Bt&iss=https%3A%2F%2Faccounts.google.com&code=4%2F0Ab&scope=email+openid\
             &authuser=0&prompt=consent",
            "?code=4%2F0Ab&state=s%2Bt&iss=https%3A%2F%2Faccounts.google.com",
        ),
        // A refusal at the provider is an answer too, handed over with Facebook's details.
        (
            "?error=access_denied&error_code=200&error_description=Permissions+error\
             &error_reason=user_denied&state=abc#_=_",
            "?state=abc&error=access_denied&error_description=Permissions%20error\
             &error_reason=user_denied&error_code=200",
        ),
        // Parameters that try to choose where the answer goes are dropped: it goes to Grantry.
        (
            "?code=c1&state=s1&redirect_uri=javascript%3Aalert(1)\
             &next=https%3A%2F%2Fattacker.example%2F&target=javascript:alert(2)",
            "?code=c1&state=s1",
        ),
        // A value that reads like a script is only a value, encoded inside Grantry's address.
        (
            "?code=javascript:alert(document.domain)//&state=s2",
            "?code=javascript%3Aalert(document.domain)%2F%2F&state=s2",
        ),
    ];
    for (case, (query, forwarded)) in cases.into_iter().enumerate() {
        let expected = format!("{TARGET}{forwarded}");
        let outcome = load(&page, &site, query, case, false);
        assert_eq!(outcome.state, "handoff", "{query}: {outcome:#?}");
        // Exactly one navigation, to Grantry's address, and the browser started it.
        assert_eq!(
            outcome.requested,
            vec![expected.clone()],
            "{query}: {outcome:#?}"
        );
        assert_eq!(
            outcome.started,
            vec![expected.clone()],
            "{query}: {outcome:#?}"
        );
        assert_eq!(outcome.link.as_deref(), Some(expected.as_str()), "{query}");
        assert_eq!(outcome.heading, "Opening Grantry…", "{query}");
        assert!(
            outcome
                .text
                .contains("If nothing happens, choose Open Grantry.")
                && outcome.text.contains("You can close this tab"),
            "{query}: {outcome:#?}"
        );
        // The code left the address bar (and so the history entry), the fragment with it.
        assert_eq!(outcome.url, site.url(), "{query}");
        assert_eq!(page.dialog(), None, "{query} opened a dialog");
    }

    // Chromium opens an app for a page nobody clicked on only now and then (the console then
    // says "a user gesture is required"): Open Grantry is a link to the same address, which
    // a person's click follows.
    let outcome = load(&page, &site, "?code=c3&state=s3", cases.len(), true);
    let expected = format!("{TARGET}?code=c3&state=s3");
    assert_eq!(
        outcome.requested,
        [expected.clone(), expected],
        "{outcome:#?}"
    );
    assert_clean_console(&page);
    assert_no_referer(&site);
    drop(page);
    browser.stop();
}

#[test]
#[ignore = "needs Chromium, chromedriver and a throwaway session: run through `make test`"]
fn the_bridge_refuses_what_is_not_an_answer() {
    let _browser = ONE_BROWSER
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let (site, browser) = bridge_and_browser("bridge-refusals");
    let page = browser.session();
    let long = format!("?code={}&state=xyz", "a".repeat(2049));
    let cases = [
        ("", "holds no sign-in answer"),
        ("#code=abc&state=xyz", "holds no sign-in answer"),
        ("?code=abc", "has no state"),
        ("?code=abc&error=access_denied", "has no state"),
        ("?state=xyz", "neither a code nor an error"),
        ("?state=xyz&scope=email", "neither a code nor an error"),
        (
            "?code=abc&error=access_denied&state=xyz",
            "both a code and an error",
        ),
        (
            "?code=abc&state=xyz&code=def",
            "\u{201c}code\u{201d} appears more than once",
        ),
        // The same name, encoded another way, is still the same name.
        (
            "?code=abc&state=xyz&c%6Fde=def",
            "\u{201c}code\u{201d} appears more than once",
        ),
        (
            "?code=abc&state=xyz&state=xyz",
            "\u{201c}state\u{201d} appears more than once",
        ),
        (long.as_str(), "longer than 2048 characters"),
        (
            "?code=abc%0Adef&state=xyz",
            "\u{201c}code\u{201d} contains control characters",
        ),
        (
            "?code=abc&state=x%00y",
            "\u{201c}state\u{201d} contains control characters",
        ),
        (
            "?error=access_denied&error_description=a%0D%0Ab&state=xyz",
            "control characters",
        ),
        (
            "?code=caf%C3%A9&state=xyz",
            "characters no sign-in answer holds",
        ),
        ("?code=abc&state=%E0%A4%A", "not correctly encoded"),
        ("?code=&state=xyz", "\u{201c}code\u{201d} is empty"),
        ("?code&state=xyz", "not shaped like a sign-in answer"),
        ("?code=abc&&state=xyz", "not shaped like a sign-in answer"),
        (
            "?code=abc&state=xyz&%3Cscript%3E=1",
            "whose name no sign-in answer uses",
        ),
    ];
    for (case, (query, reason)) in cases.into_iter().enumerate() {
        let outcome = load(&page, &site, query, case, false);
        assert_eq!(outcome.state, "refused", "{query}: {outcome:#?}");
        assert!(
            outcome
                .reason
                .as_deref()
                .unwrap_or_default()
                .contains(reason),
            "{query}: expected {reason:?}: {outcome:#?}"
        );
        assert_eq!(
            outcome.heading, "The sign-in answer was not passed to Grantry",
            "{query}"
        );
        assert!(
            outcome.text.contains("Nothing was sent to Grantry."),
            "{query}: {outcome:#?}"
        );
        assert!(outcome.requested.is_empty(), "{query}: {outcome:#?}");
        assert!(outcome.started.is_empty(), "{query}: {outcome:#?}");
        assert_eq!(outcome.link, None, "{query}");
        assert_eq!(outcome.url, site.url(), "{query}");
    }
    assert_clean_console(&page);
    assert_no_referer(&site);
    drop(page);
    browser.stop();
}

/// Runs axe-core in light and dark (the page follows `prefers-color-scheme`), and
/// photographs both into `target/e2e/`.
fn look(page: &Session, name: &str) {
    for scheme in ["light", "dark"] {
        page.devtools(
            "Emulation.setEmulatedMedia",
            json!({"features": [{"name": "prefers-color-scheme", "value": scheme}]}),
        );
        let dark = page.execute(
            "return matchMedia('(prefers-color-scheme: dark)').matches;",
            json!([]),
        );
        assert_eq!(dark, json!(scheme == "dark"), "{name} in {scheme}");
        axe::check_every(page, &format!("{name} ({scheme})"));
        page.screenshot(&screenshot_dir().join(format!("{name}-{scheme}.png")));
    }
}

/// Waits until the element `css` holds text containing `expected`.
fn wait_for(page: &Session, css: &str, expected: &str) {
    page.wait_for_text_where(css, |text| text.contains(expected));
}

#[test]
#[ignore = "needs Chromium, chromedriver and a throwaway session: run through `make test`"]
fn the_bridge_and_the_consent_page_pass_axe() {
    let _browser = ONE_BROWSER
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let (site, browser) = bridge_and_browser("bridge-axe");
    let page = browser.session();
    page.devtools(
        "Emulation.setDeviceMetricsOverride",
        json!({
            "width": 800, "height": 600, "deviceScaleFactor": 1, "mobile": false
        }),
    );

    page.navigate(&format!("{}?code=axe-code&state=axe-state#_=_", site.url()));
    wait_for(&page, "h1", "Opening Grantry");
    look(&page, "bridge-handoff");
    page.navigate(&format!("{}?code=axe-code", site.url()));
    wait_for(&page, "h1", "not passed to Grantry");
    look(&page, "bridge-refused");

    // Without JavaScript the page says what it needs (its <noscript> message).
    page.devtools(
        "Emulation.setScriptExecutionDisabled",
        json!({"value": true}),
    );
    page.navigate(&format!("{}?code=no-script&state=no-script", site.url()));
    wait_for(&page, "main", "This page needs JavaScript");
    let shown = page.wait_for_text("main");
    assert!(!shown.contains("Opening Grantry"), "{shown}");
    page.screenshot(&screenshot_dir().join("bridge-no-script.png"));
    page.devtools(
        "Emulation.setScriptExecutionDisabled",
        json!({"value": false}),
    );

    // The sandbox's consent page, as the authorization request of a registered client opens.
    let runtime = tokio::runtime::Runtime::new().expect("a runtime for the sandbox");
    let sandbox = runtime
        .block_on(Sandbox::start(SandboxConfig::new(Personality::Generic)))
        .expect("the sandbox");
    let mut authorize =
        url::Url::parse(&format!("{}/authorize", sandbox.issuer())).expect("the endpoint");
    authorize
        .query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", GRANTRY_CLIENT_ID)
        .append_pair("redirect_uri", TARGET)
        .append_pair("scope", "openid email profile offline_access")
        .append_pair("state", "axe-state")
        .append_pair(
            "code_challenge",
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        )
        .append_pair("code_challenge_method", "S256");
    page.navigate(authorize.as_str());
    wait_for(&page, "h1", "Sign in to Grantry Sandbox");
    look(&page, "consent");

    drop(page);
    browser.stop();
    runtime.block_on(sandbox.stop());
    drop(site);
}
