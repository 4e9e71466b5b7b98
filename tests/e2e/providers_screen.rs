//! The Providers screen in the real window, against the app's own sandbox: a custom provider
//! added from its issuer (Test discovery says what it found, a mistake is shown next to its
//! field), then linked from the window through each redirect strategy that needs no web page
//! of ours: loopback (the app's own listener answers the browser) and a provider's own scheme,
//! registered with the desktop when the provider is saved and delivered by `xdg-open` to the
//! running app; and through the HTTPS bridge page of `bridge/`, served here on loopback and run
//! in Chromium. Removing a provider asks what becomes of its accounts. And one with every
//! client proof at once: `private_key_jwt` (its JWKS read from the window and registered at
//! the sandbox), PAR and DPoP switched on in the form, at a sandbox made to require PAR and
//! DPoP with nonces from the Sandbox screen; linked, seen bound in the Inspector, refreshed
//! and revoked. Every state is checked with axe-core and photographed into `target/e2e/`.

use std::path::Path;
use std::time::Duration;

use serde_json::json;

use super::steps::{Admin, look, open};
use super::support::app_sweep::AppSweep;
use super::support::static_site::StaticSite;
use super::support::webdriver::{Driver, Session, wait_until};
use super::{
    APP, ONE_WINDOW, follow_bridge, sandbox_issuer, scratch_session, screenshot_dir,
    scripted_browser,
};

/// WebDriver's Enter key (W3C WebDriver §17.4.2).
const ENTER: &str = "\u{E007}";

/// The private-use scheme of the test's own provider (RFC 8252 §7.1: reverse domain name).
/// Without digits: Debian 12's `xdg-open` (xdg-utils 1.1.3) outside GNOME and KDE takes an
/// argument whose scheme has a digit for a file name (its `is_file_url_or_path`), which is why
/// docs/providers.md points Google users without such a desktop to the Desktop-client option.
const SCHEME: &str = "test.grantry.provider";

/// Registers a client at the app's sandbox, with its admin token from the data folder: a
/// public one, or a confidential one when it has a `secret`.
fn register_client(
    issuer: &str,
    data_dir: &Path,
    client_id: &str,
    redirect: &str,
    secret: Option<&str>,
) {
    let token = std::fs::read_to_string(data_dir.join("sandbox-admin-token")).expect("token");
    let mut client = json!({
        "client_id": client_id,
        "name": format!("E2E {client_id}"),
        "auth": "none",
        "redirect_uris": [redirect],
    });
    if let Some(secret) = secret {
        client["auth"] = json!("secret");
        client["client_secret"] = json!(secret);
    }
    ureq::post(format!("{issuer}/_sandbox/clients"))
        .header("authorization", format!("Bearer {}", token.trim()))
        .send_json(client)
        .expect("register the client");
}

/// A client secret no other test uses, typed into the Providers screen by hand: the leak
/// sweep then looks for it everywhere but the keyring.
fn typed_secret() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_nanos();
    format!("e2e-typed-secret-{nanos:x}-{}", std::process::id())
}

/// The app on its own data folder and its own providers file (so that the providers added
/// here stay out of the other tests' windows), with its sandbox on a port the kernel picks,
/// and the leak sweep that ends the test.
fn start_app(data_home: &Path, data_dir: &Path, name: &str) -> (AppSweep, Driver) {
    let sweep = AppSweep::new(data_home, data_dir, &screenshot_dir(), name);
    let driver = Driver::start(
        &[
            ("GRANTRY_SANDBOX_PORT", "0".to_owned()),
            ("GRANTRY_DATA_DIR", data_dir.display().to_string()),
            (
                "GRANTRY_CONFIG_DIR",
                data_dir.join("config").display().to_string(),
            ),
            sweep.env(),
        ],
        sweep.driver_log(),
    );
    (sweep, driver)
}

/// Opens the editor on a new custom provider and fills in what every test provider shares.
fn new_custom_provider(app: &Session, id: &str, issuer: &str) {
    app.click("[data-testid=provider-add]");
    app.wait_for_text("[data-testid=provider-editor]");
    app.click("[data-testid=preset-custom]");
    app.type_into("[name=id]", id);
    app.type_into("[name=name]", &format!("E2E {id}"));
    app.type_into("[name='environments.0.issuer']", issuer);
    // The sandbox is on plain http at 127.0.0.1: the provider must opt in.
    app.click("[name=allow_plain_http_loopback]");
    app.type_into("[name='environments.0.client_id']", "grantry-desktop");
    for scope in ["openid", "profile", "email"] {
        app.type_into(
            "[data-testid=scope-chips] ~ input, [name='environments.0.scopes']",
            &format!("{scope}{ENTER}"),
        );
    }
}

fn save(app: &Session, id: &str) {
    app.click("[data-testid=provider-save]");
    app.wait_for_text_where("[data-testid=providers-list]", |text| {
        text.contains(&format!("E2E {id}"))
    });
    wait_until("the editor to close", Duration::from_secs(10), || {
        app.find("[data-testid=provider-editor]").is_none()
    });
}

/// Starts a link at `provider` from the Link dialog and waits for its account in the list.
fn link_from_window(app: &Session, provider: &str, user: &str) -> String {
    start_link_from_window(app, provider);
    app.wait_for_text_where("section[aria-labelledby=accounts-title]", |t| {
        t.contains(user)
    })
}

/// Starts a link at `provider` from the Link dialog.
fn start_link_from_window(app: &Session, provider: &str) {
    app.click("[data-testid=nav-accounts]");
    app.click("[data-testid=link-account]");
    app.wait_for_text("[data-testid=link-dialog]");
    let picked = app.execute_async(
        "const [id, done] = arguments;\
         const select = document.querySelector('[data-testid=link-provider]');\
         if (!select) { done('no provider select'); return; }\
         select.value = id; select.dispatchEvent(new Event('change', {bubbles: true}));\
         done(select.value);",
        json!([provider]),
    );
    assert_eq!(
        picked, provider,
        "the provider is offered in the Link dialog"
    );
    app.click("[data-testid=link-start]");
}

#[test]
#[ignore = "needs Xvfb, tauri-driver and a throwaway session: run through `make test`"]
fn providers_added_in_the_window_link_through_loopback_and_their_own_scheme() {
    let _window = ONE_WINDOW
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let data_home = scratch_session();
    let consent = scripted_browser(&data_home);
    let data_dir = data_home.join("providers-screen");
    let (mut sweep, driver) = start_app(&data_home, &data_dir, "providers");
    let app = driver.session(Path::new(APP));
    let issuer = sandbox_issuer(&app);

    // The screen lists the built-in sandbox, read-only.
    app.click("[data-testid=nav-providers]");
    let list = app.wait_for_text("[data-testid=providers-list]");
    assert!(list.contains("Grantry Sandbox"), "{list}");
    look(&app, "providers");
    app.screenshot(&screenshot_dir().join("providers.png"));

    // Each preset's form: its redirects with what they need, its scopes in words.
    app.click("[data-testid=provider-add]");
    app.wait_for_text("[data-testid=provider-editor]");
    look(&app, "preset-picker");
    app.click("[data-testid=preset-google]");
    let form = app.wait_for_text("[data-testid=provider-editor]");
    assert!(
        form.contains("iOS client") && form.contains("Desktop app client"),
        "{form}"
    );
    look(&app, "preset-google");
    app.screenshot(&screenshot_dir().join("provider-google.png"));
    app.execute_async(
        "const done = arguments[arguments.length - 1];\
         [...document.querySelectorAll('[data-testid=provider-editor] button')]\
           .find((b) => b.textContent.trim() === 'Cancel').click();\
         done(true);",
        json!([]),
    );
    wait_until("the editor to close", Duration::from_secs(10), || {
        app.find("[data-testid=provider-editor]").is_none()
    });

    // A custom provider from the sandbox's issuer, for a confidential client whose secret is
    // typed here: Test discovery says what it found.
    let secret = typed_secret();
    register_client(
        &issuer,
        &data_dir,
        "e2e-confidential",
        "http://127.0.0.1/callback",
        Some(&secret),
    );
    new_custom_provider(&app, "qa", &issuer);
    app.execute_async(
        "const [done] = arguments;\
         const input = document.querySelector(\"[name='environments.0.client_id']\");\
         input.value = 'e2e-confidential'; input.dispatchEvent(new Event('input', {bubbles: true}));\
         const auth = document.querySelector(\"[name='environments.0.client_auth']\");\
         auth.value = 'secret_basic'; auth.dispatchEvent(new Event('change', {bubbles: true}));\
         done(true);",
        json!([]),
    );
    let secret_field = "[name='environments.0.client_secret']";
    wait_until("the secret field", Duration::from_secs(10), || {
        app.find(secret_field).is_some()
    });
    app.type_into(secret_field, &secret);
    app.click("[data-testid=test-discovery]");
    let found = app.wait_for_text("[data-testid=discovery-result]");
    assert!(found.contains(&format!("{issuer}/token")), "{found}");
    app.click("[data-testid=redirect-loopback]");
    look(&app, "provider-editor");
    app.screenshot(&screenshot_dir().join("provider-editor.png"));
    // A mistake is named next to its field as it is typed, and nothing is saved; an issuer
    // that does not answer is refused on saving.
    let set_issuer = |value: &str| {
        app.execute_async(
            "const [value, done] = arguments;\
             const input = document.querySelector(\"[name='environments.0.issuer']\");\
             input.value = value; input.dispatchEvent(new Event('input', {bubbles: true}));\
             done(input.value);",
            json!([value]),
        )
    };
    set_issuer("http://idp.example");
    let problem =
        app.wait_for_text("[data-field='environments.0.issuer'] [data-testid=field-error]");
    assert!(problem.contains("https"), "{problem}");
    look(&app, "provider-editor-field-error");
    app.screenshot(&screenshot_dir().join("provider-editor-error.png"));
    set_issuer(&format!("{issuer}/nowhere"));
    app.click("[data-testid=provider-save]");
    let refused = app.wait_for_text("[data-testid=form-problems]");
    assert!(refused.contains("discovery"), "{refused}");
    look(&app, "provider-editor-form-problems");
    set_issuer(&issuer);
    save(&app, "qa");
    app.screenshot(&screenshot_dir().join("providers-added.png"));

    // Linked from the window through loopback: the app's listener takes the browser's answer.
    std::fs::write(&consent, "--user bob").expect("consent arguments");
    let accounts = link_from_window(&app, "qa", "Bob");
    assert!(
        accounts.contains("Bob Tester") && accounts.contains("3 scopes"),
        "{accounts}"
    );
    app.screenshot(&screenshot_dir().join("linked-loopback.png"));

    // A provider whose client takes only its own scheme: saving it registers the scheme with
    // the desktop; the answer goes through xdg-open to a second launch, which hands it over.
    let redirect = format!("{SCHEME}:/oauth2redirect");
    register_client(&issuer, &data_dir, "e2e-scheme-client", &redirect, None);
    app.click("[data-testid=nav-providers]");
    new_custom_provider(&app, "scheme", &issuer);
    app.execute_async(
        "const [done] = arguments;\
         const input = document.querySelector(\"[name='environments.0.client_id']\");\
         input.value = 'e2e-scheme-client'; input.dispatchEvent(new Event('input', {bubbles: true}));\
         done(true);",
        json!([]),
    );
    app.click("[data-testid=redirect-provider_scheme]");
    app.type_into("[name='environments.0.redirect_uri']", &redirect);
    save(&app, "scheme");
    let entry = std::fs::read_to_string(
        data_home.join("applications/dev.grantry.desktop-url-handler.desktop"),
    )
    .expect("the registered handler");
    assert!(
        entry.contains(&format!("x-scheme-handler/{SCHEME};")),
        "the provider's scheme is registered: {entry}"
    );
    std::fs::write(&consent, "--user carol").expect("consent arguments");
    link_from_window(&app, "scheme", "Carol");
    app.screenshot(&screenshot_dir().join("linked-provider-scheme.png"));

    // Removing it asks what becomes of Carol's account; forgetting it here unregisters the
    // scheme.
    app.click("[data-testid=nav-providers]");
    app.click("[data-provider-id=scheme] [data-testid=provider-remove]");
    let dialog = app.wait_for_text("[data-testid=remove-provider]");
    assert!(dialog.contains("1"), "it says how many accounts: {dialog}");
    look(&app, "remove-provider");
    app.click("[data-testid=remove-forget]");
    app.click("[data-testid=remove-confirm]");
    app.wait_for_text_where("[data-testid=providers-list]", |t| {
        !t.contains("E2E scheme")
    });
    let entry = std::fs::read_to_string(
        data_home.join("applications/dev.grantry.desktop-url-handler.desktop"),
    )
    .expect("the registered handler");
    assert!(
        !entry.contains(SCHEME),
        "the scheme left with its provider: {entry}"
    );

    sweep.running(&driver);
    drop(app);
    sweep.finish(&[("the client secret typed into the Providers screen", &secret)]);
}

#[test]
#[ignore = "needs Xvfb, tauri-driver, Chromium and a throwaway session: run through `make test`"]
fn a_provider_behind_the_https_bridge_links_through_the_real_bridge_page() {
    let _window = ONE_WINDOW
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let data_home = scratch_session();
    let consent = scripted_browser(&data_home);
    let data_dir = data_home.join("providers-bridge");
    // The bridge page of this repository, hosted as GitHub Pages would (`/grantry-bridge/`).
    let bridge_folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("bridge");
    let site = StaticSite::serve(&bridge_folder, "/grantry-bridge/");
    let bridge = site.url();
    let (mut sweep, driver) = start_app(&data_home, &data_dir, "bridge-link");
    let app = driver.session(Path::new(APP));
    let issuer = sandbox_issuer(&app);
    register_client(&issuer, &data_dir, "e2e-bridge-client", &bridge, None);

    app.click("[data-testid=nav-providers]");
    new_custom_provider(&app, "bridged", &issuer);
    app.execute_async(
        "const [done] = arguments;\
         const input = document.querySelector(\"[name='environments.0.client_id']\");\
         input.value = 'e2e-bridge-client'; input.dispatchEvent(new Event('input', {bubbles: true}));\
         done(true);",
        json!([]),
    );
    app.click("[data-testid=redirect-bridge]");
    app.type_into("[name='environments.0.redirect_uri']", &bridge);
    save(&app, "bridged");
    let registered = app.wait_for_text("[data-provider-id=bridged] [data-testid=redirect-uri]");
    assert_eq!(
        registered, bridge,
        "the bridge page is the redirect URI to register"
    );

    // The provider sends the browser to the bridge page with the code; the page, run by
    // Chromium, offers the dev.grantry: link, and xdg-open takes it to the running app.
    std::fs::write(&consent, "--user dave").expect("consent arguments");
    start_link_from_window(&app, "bridged");
    let loaded_at = follow_bridge(
        &data_home,
        &screenshot_dir().join("bridge-link-chromedriver.log"),
    );
    assert!(
        loaded_at.starts_with(&format!("{bridge}?code=")),
        "{loaded_at}"
    );
    app.wait_for_text_where("section[aria-labelledby=accounts-title]", |t| {
        t.contains("Dave")
    });
    app.screenshot(&screenshot_dir().join("linked-bridge.png"));
    let loaded = site.requests();
    assert!(
        loaded
            .iter()
            .any(|r| r.target.starts_with("/grantry-bridge/?code=")),
        "the bridge page was loaded with the answer: {loaded:?}"
    );
    assert!(
        loaded.iter().all(|r| r.referer.is_none()),
        "the page gives no Referer away: {loaded:?}"
    );

    sweep.running(&driver);
    drop(app);
    sweep.finish(&[]);
}

/// Whether `css` (a checkbox) is checked.
fn checked(app: &Session, css: &str) -> bool {
    app.execute_async(
        "const [css, done] = arguments;\
         done(Boolean(document.querySelector(css)?.checked));",
        json!([css]),
    ) == json!(true)
}

/// Clicks the checkbox `css` and waits until it shows ticked.
fn tick(app: &Session, css: &str) {
    app.click(css);
    wait_until(&format!("{css} ticked"), Duration::from_secs(10), || {
        checked(app, css)
    });
}

#[test]
#[ignore = "needs Xvfb, tauri-driver and a throwaway session: run through `make test`"]
fn every_proof_at_once_from_the_window_private_key_jwt_par_and_dpop() {
    let _window = ONE_WINDOW
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let data_home = scratch_session();
    let consent = scripted_browser(&data_home);
    let data_dir = data_home.join("providers-proofs");
    let (mut sweep, driver) = start_app(&data_home, &data_dir, "providers-proofs");
    let app = driver.session(Path::new(APP));
    let issuer = sandbox_issuer(&app);
    let admin = Admin::new(issuer.clone(), &data_dir);

    // The Sandbox screen's switches: PAR required, DPoP required with nonces.
    app.click("[data-testid=nav-sandbox]");
    app.wait_for_text("[data-testid=sandbox-clients]");
    tick(&app, "[data-testid=sandbox-require-par]");
    tick(&app, "[data-testid=sandbox-require-dpop]");
    tick(&app, "[data-testid=sandbox-dpop-nonce]");
    wait_until(
        "the sandbox to require PAR and DPoP with nonces",
        Duration::from_secs(10),
        || {
            let overview: serde_json::Value = ureq::get(admin.url(""))
                .header("authorization", admin.bearer())
                .call()
                .expect("the sandbox overview")
                .body_mut()
                .read_json()
                .expect("json");
            overview["require_pushed_authorization_requests"] == json!(true)
                && overview["dpop"] == json!({"required": true, "nonce": true})
        },
    );
    look(&app, "sandbox-proofs");

    // A custom provider at the sandbox with private_key_jwt, PAR and DPoP switched on.
    app.click("[data-testid=nav-providers]");
    new_custom_provider(&app, "proofs", &issuer);
    app.type_into(
        "[data-testid=scope-chips] ~ input, [name='environments.0.scopes']",
        &format!("offline_access{ENTER}"),
    );
    app.execute_async(
        "const [done] = arguments;\
         const input = document.querySelector(\"[name='environments.0.client_id']\");\
         input.value = 'e2e-proofs'; input.dispatchEvent(new Event('input', {bubbles: true}));\
         const auth = document.querySelector(\"[name='environments.0.client_auth']\");\
         auth.value = 'private_key_jwt'; auth.dispatchEvent(new Event('change', {bubbles: true}));\
         done(true);",
        json!([]),
    );
    app.wait_for_text("[data-testid=private-key-jwt-note]");
    tick(
        &app,
        "[data-testid=provider-editor] [data-testid=pushed-authorization]",
    );
    tick(&app, "[data-testid=provider-editor] [data-testid=dpop]");
    app.click("[data-testid=redirect-loopback]");
    look(&app, "provider-editor-proofs");
    // The form is longer than the window: its Save button is brought into view first.
    app.execute_async(
        "const [done] = arguments;\
         document.querySelector('[data-testid=provider-save]').scrollIntoView({block: 'center'});\
         done(true);",
        json!([]),
    );
    save(&app, "proofs");
    let environment = "[data-provider-id=proofs] [data-environment=production]";
    let dpop = app.wait_for_text(&format!("{environment} [data-testid=dpop-state]"));
    assert!(
        dpop.starts_with("On"),
        "the environment says DPoP is on: {dpop}"
    );
    let par = app.wait_for_text(&format!("{environment} [data-testid=par-state]"));
    assert!(par.contains("Always"), "{par}");

    // Its public JWKS, as the window shows it, registered at the sandbox as the client's keys.
    let keys_before = sweep.keyring_keys();
    app.click(&format!("{environment} [data-testid=show-client-jwks]"));
    let shown = app.wait_for_text(&format!("{environment} [data-testid=client-jwks-text]"));
    let jwks: serde_json::Value = serde_json::from_str(&shown).expect("the JWKS shown is JSON");
    assert!(
        jwks["keys"][0].get("d").is_none(),
        "no private part: {jwks}"
    );
    look(&app, "provider-jwks-proofs");
    assert_eq!(
        sweep.keyring_keys(),
        keys_before + 1,
        "the environment's private key is in the keyring, for the sweep"
    );
    ureq::post(admin.url("/clients"))
        .header("authorization", admin.bearer())
        .send_json(json!({
            "client_id": "e2e-proofs",
            "name": "E2E every proof",
            "auth": "private_key_jwt",
            "jwks": jwks,
            "redirect_uris": ["http://127.0.0.1/callback"],
        }))
        .expect("register the private_key_jwt client");

    // Linked from the window: pushed first, the client signed in by assertion, the tokens
    // bound to the account's key, each request answering the nonce it is asked for.
    std::fs::write(&consent, "--user alice").expect("consent arguments");
    link_from_window(&app, "proofs", "Alice");
    assert_eq!(
        sweep.keyring_keys(),
        keys_before + 2,
        "the account's DPoP key is in the keyring, for the sweep"
    );
    open(&app, "alice@sandbox.grantry.test");
    app.click("[data-testid=tab-inspector]");
    let kind = app.wait_for_text("[data-testid=token-binding] [data-testid=token-type]");
    assert_eq!(kind, "DPoP");
    let jkt = app.wait_for_text("[data-testid=key-thumbprint]");
    assert_eq!(jkt.len(), 43, "an RFC 7638 thumbprint: {jkt}");
    look(&app, "inspector-proofs");

    // Refreshed with a proof of the same key and a new assertion, then revoked: the grant ends.
    app.click("[data-testid=tab-overview]");
    app.click("[data-testid=refresh-now]");
    app.wait_for_text_where("[data-testid=tokens]", |t| t.contains("Refreshed"));
    app.click("[data-testid=tab-inspector]");
    let again = app.wait_for_text("[data-testid=key-thumbprint]");
    assert_eq!(again, jkt, "the same key after the refresh");
    app.click("[data-testid=tab-overview]");
    app.click("[data-testid=revoke-open]");
    app.wait_for_text("[data-testid=confirm]");
    app.click("[data-testid=confirm]");
    let said = app.wait_for_text_where("main", |t| t.contains("Access revoked"));
    assert!(said.contains("verified"), "{said}");
    let grants: Vec<serde_json::Value> = admin
        .grants()
        .into_iter()
        .filter(|g| g["client_id"] == "e2e-proofs")
        .collect();
    assert_eq!(grants.len(), 1, "{grants:?}");
    assert!(
        grants[0]["revoked"].is_string(),
        "the grant is revoked: {grants:?}"
    );

    sweep.running(&driver);
    drop(app);
    sweep.finish(&[]);
}
