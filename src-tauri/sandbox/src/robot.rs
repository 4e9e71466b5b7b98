//! A robot that plays the person on the sandbox's consent page, for scripts and tests: it
//! opens the authorization URL, picks a user and scopes, allows or denies, and returns where
//! the sandbox sent the browser. `grantry sandbox consent` is this, on the command line. It
//! answers the device grant's verification page the same way ([`approve_device`]).
//!
//! It speaks to the sandbox only over HTTP, like a browser: it never reaches into the store, so
//! what it proves about the consent page holds for a person too. Like a browser it sends the
//! page's own `Host` (from the URL), `Sec-Fetch-Site: none` as a browser the app opened the
//! page in does, and, with the form post, the page's own `Origin`, which is what the sandbox's
//! checks (`src/guard.rs`) let through. It reads the page's form by
//! the markup `src/routes/consent_page.rs` writes; the two change together.

use reqwest::{Client, redirect};

/// What the robot answers on the consent page.
#[derive(Debug, Clone)]
pub struct Choice {
    /// An existing test user's login, or a new one.
    pub user: String,
    /// The scopes to leave ticked; `None` keeps every requested scope.
    pub scopes: Option<Vec<String>>,
    pub allow: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum RobotError {
    #[error("cannot reach the sandbox: {0}")]
    Http(#[from] reqwest::Error),
    #[error("the sandbox refused the request (HTTP {status}): {page}")]
    Refused { status: u16, page: String },
    #[error("the page is not the sandbox's consent page")]
    NotAConsentPage,
}

fn attribute_values(html: &str, prefix: &str) -> Vec<String> {
    html.match_indices(prefix)
        .filter_map(|(at, _)| {
            let rest = &html[at + prefix.len()..];
            rest.find('"').map(|end| unescape(&rest[..end]))
        })
        .collect()
}

fn unescape(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The text of an error page, without its markup.
fn page_text(html: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    unescape(&text.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// Answers the consent page at `authorization_url`; returns the redirect's `Location` (the
/// client's redirect URI with `code` or `error`, `state` and `iss`).
pub async fn consent(authorization_url: &str, choice: &Choice) -> Result<String, RobotError> {
    use_ring_for_tls();
    let http = Client::builder()
        .redirect(redirect::Policy::none())
        .build()?;
    // As the browser the app opened the page in: a navigation from no site (see
    // `src/store/pending.rs`).
    let response = http
        .get(authorization_url)
        .header("sec-fetch-site", "none")
        .send()
        .await?;
    let status = response.status();
    if status.is_redirection() {
        // The sandbox refused the request by redirecting with an error straight away.
        return location(&response).ok_or(RobotError::NotAConsentPage);
    }
    let html = response.text().await?;
    if !status.is_success() {
        return Err(RobotError::Refused {
            status: status.as_u16(),
            page: page_text(&html),
        });
    }
    let action = attribute_values(&html, "<form method=\"post\" action=\"");
    let request = attribute_values(&html, "name=\"request\" value=\"");
    let (Some(action), Some(request)) = (action.first(), request.first()) else {
        return Err(RobotError::NotAConsentPage);
    };
    let offered = attribute_values(&html, "name=\"scope\" value=\"");
    let mut form = vec![
        ("request".to_owned(), request.clone()),
        (
            "decision".to_owned(),
            if choice.allow { "allow" } else { "deny" }.to_owned(),
        ),
        ("new_user".to_owned(), choice.user.clone()),
    ];
    for scope in offered {
        let keep = choice
            .scopes
            .as_ref()
            .is_none_or(|kept| kept.contains(&scope));
        if keep {
            form.push(("scope".to_owned(), scope));
        }
    }
    let base = url::Url::parse(authorization_url).map_err(|_| RobotError::NotAConsentPage)?;
    let target = base.join(action).map_err(|_| RobotError::NotAConsentPage)?;
    let origin = target.origin().ascii_serialization();
    let response = http
        .post(target)
        .header(reqwest::header::ORIGIN, origin)
        .form(&form)
        .send()
        .await?;
    let status = response.status();
    if let Some(location) = location(&response) {
        return Ok(location);
    }
    Err(RobotError::Refused {
        status: status.as_u16(),
        page: page_text(&response.text().await?),
    })
}

/// Answers the device grant's verification page at `verification_uri` for `user_code`, as a
/// person who typed the code would (RFC 8628 §3.3); returns the outcome the page shows,
/// `allowed` or `denied`.
pub async fn approve_device(
    verification_uri: &str,
    user_code: &str,
    choice: &Choice,
) -> Result<String, RobotError> {
    use_ring_for_tls();
    let http = Client::builder()
        .redirect(redirect::Policy::none())
        .build()?;
    let mut page = url::Url::parse(verification_uri).map_err(|_| RobotError::NotAConsentPage)?;
    page.query_pairs_mut().append_pair("user_code", user_code);
    let response = http
        .get(page.clone())
        .header("sec-fetch-site", "none")
        .send()
        .await?;
    let status = response.status();
    let html = response.text().await?;
    if !status.is_success() {
        return Err(RobotError::Refused {
            status: status.as_u16(),
            page: page_text(&html),
        });
    }
    let action = attribute_values(&html, "<form method=\"post\" action=\"");
    let token = attribute_values(&html, "name=\"form_token\" value=\"");
    let code = attribute_values(&html, "name=\"user_code\" value=\"");
    let (Some(action), Some(token), Some(code)) = (action.first(), token.first(), code.first())
    else {
        return Err(RobotError::NotAConsentPage);
    };
    let mut form = vec![
        ("user_code".to_owned(), code.clone()),
        ("form_token".to_owned(), token.clone()),
        (
            "decision".to_owned(),
            if choice.allow { "allow" } else { "deny" }.to_owned(),
        ),
        ("new_user".to_owned(), choice.user.clone()),
    ];
    for scope in attribute_values(&html, "name=\"scope\" value=\"") {
        if choice
            .scopes
            .as_ref()
            .is_none_or(|kept| kept.contains(&scope))
        {
            form.push(("scope".to_owned(), scope));
        }
    }
    let target = page.join(action).map_err(|_| RobotError::NotAConsentPage)?;
    let origin = target.origin().ascii_serialization();
    let response = http
        .post(target)
        .header(reqwest::header::ORIGIN, origin)
        .form(&form)
        .send()
        .await?;
    let status = response.status();
    let html = response.text().await?;
    match attribute_values(&html, "data-outcome=\"").first() {
        Some(outcome) if status.is_success() => Ok(outcome.clone()),
        _ => Err(RobotError::Refused {
            status: status.as_u16(),
            page: page_text(&html),
        }),
    }
}

fn location(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get(reqwest::header::LOCATION)?
        .to_str()
        .ok()
        .map(str::to_owned)
}

/// Makes ring the process's rustls crypto provider unless one is set: the robot speaks plain
/// HTTP, but reqwest builds its TLS setup with every client, and grantry-core (which talks to
/// providers over HTTPS) builds reqwest with rustls and no provider of its own.
pub fn use_ring_for_tls() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}
