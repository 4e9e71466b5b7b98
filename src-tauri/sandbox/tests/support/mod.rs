//! Test helpers: a sandbox on an ephemeral port, and an HTTP client that plays the browser on
//! the consent page and the app at the token endpoint.

#![allow(dead_code)]

use std::collections::HashMap;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use grantry_sandbox::{Personality, Sandbox, SandboxConfig};
use reqwest::{Client, StatusCode, redirect};
use serde_json::Value;
use sha2::{Digest, Sha256};

pub const PUBLIC: &str = "grantry-desktop";
pub const CONFIDENTIAL: &str = "grantry-confidential";
pub const SECRET: &str = "sandbox-secret";
pub const REDIRECT: &str = "dev.grantry:/oauth/callback";

pub struct Harness {
    pub sandbox: Sandbox,
    pub http: Client,
}

pub async fn start(personality: Personality) -> Harness {
    start_with(SandboxConfig::new(personality)).await
}

pub async fn start_with(config: SandboxConfig) -> Harness {
    let sandbox = Sandbox::start(config).await.expect("start the sandbox");
    grantry_sandbox::robot::use_ring_for_tls();
    let http = Client::builder()
        .redirect(redirect::Policy::none())
        .build()
        .expect("HTTP client");
    Harness { sandbox, http }
}

/// One authorization request's parameters and secrets.
#[derive(Clone)]
pub struct Request {
    pub path: String,
    pub client_id: String,
    pub redirect_uri: String,
    pub scope: String,
    pub state: String,
    pub nonce: String,
    pub verifier: String,
    pub extra: Vec<(String, String)>,
}

impl Request {
    pub fn new(path: &str, scope: &str) -> Self {
        let verifier = format!("verifier-{}", B64.encode(rand_bytes()));
        Self {
            path: path.into(),
            client_id: PUBLIC.into(),
            redirect_uri: REDIRECT.into(),
            scope: scope.into(),
            state: B64.encode(rand_bytes()),
            nonce: B64.encode(rand_bytes()),
            verifier,
            extra: Vec::new(),
        }
    }

    pub fn client(mut self, client_id: &str) -> Self {
        self.client_id = client_id.into();
        self
    }

    pub fn with(mut self, key: &str, value: &str) -> Self {
        self.extra.push((key.into(), value.into()));
        self
    }

    pub fn challenge(&self) -> String {
        B64.encode(Sha256::digest(self.verifier.as_bytes()))
    }

    pub fn url(&self, issuer: &str) -> String {
        let mut url = url::Url::parse(&format!("{issuer}{}", self.path)).expect("url");
        url.query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", &self.client_id)
            .append_pair("redirect_uri", &self.redirect_uri)
            .append_pair("scope", &self.scope)
            .append_pair("state", &self.state)
            .append_pair("nonce", &self.nonce)
            .append_pair("code_challenge", &self.challenge())
            .append_pair("code_challenge_method", "S256")
            .extend_pairs(&self.extra);
        url.to_string()
    }
}

fn rand_bytes() -> [u8; 32] {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("random");
    bytes
}

/// The consent page's form fields: the request id, and the scope checkboxes offered.
pub struct ConsentPage {
    pub action: String,
    pub request: String,
    pub scopes: Vec<String>,
    pub html: String,
}

fn attribute_values(html: &str, prefix: &str) -> Vec<String> {
    html.match_indices(prefix)
        .map(|(at, _)| {
            let rest = &html[at + prefix.len()..];
            rest[..rest.find('"').expect("closing quote")].to_owned()
        })
        .collect()
}

impl Harness {
    pub fn issuer(&self) -> &str {
        self.sandbox.issuer()
    }

    /// GETs the authorization URL as a browser the app opened it in does (`Sec-Fetch-Site:
    /// none`); the page when it is one, else the redirect's Location.
    pub async fn open(&self, request: &Request) -> Result<ConsentPage, (StatusCode, String)> {
        let response = self
            .http
            .get(request.url(self.issuer()))
            .header("sec-fetch-site", "none")
            .send()
            .await
            .expect("GET");
        let status = response.status();
        if status.is_redirection() {
            let location = response.headers()["location"]
                .to_str()
                .expect("location")
                .to_owned();
            return Err((status, location));
        }
        let html = response.text().await.expect("page");
        if status != StatusCode::OK {
            return Err((status, html));
        }
        Ok(ConsentPage {
            action: attribute_values(&html, "<form method=\"post\" action=\"")[0].clone(),
            request: attribute_values(&html, "name=\"request\" value=\"")[0].clone(),
            scopes: attribute_values(&html, "name=\"scope\" value=\""),
            html,
        })
    }

    /// Posts the consent decision; returns the redirect's Location.
    pub async fn decide(&self, page: &ConsentPage, form: &[(&str, &str)]) -> String {
        let mut body = vec![("request", page.request.as_str())];
        body.extend_from_slice(form);
        let response = self
            .http
            .post(format!("{}{}", self.issuer(), page.action))
            .header("origin", self.issuer())
            .form(&body)
            .send()
            .await
            .expect("POST consent");
        assert_eq!(
            response.status(),
            StatusCode::SEE_OTHER,
            "consent should redirect"
        );
        response.headers()["location"]
            .to_str()
            .expect("location")
            .to_owned()
    }

    /// Consents as `user` to `scopes` (all offered when `None`); returns the redirect URL.
    pub async fn consent(
        &self,
        request: &Request,
        user: &str,
        scopes: Option<&[&str]>,
    ) -> url::Url {
        let page = self
            .open(request)
            .await
            .unwrap_or_else(|e| panic!("consent page: {e:?}"));
        let offered: Vec<&str> = page.scopes.iter().map(String::as_str).collect();
        let mut form = vec![("decision", "allow"), ("user", user)];
        for scope in scopes.unwrap_or(&offered) {
            form.push(("scope", scope));
        }
        url::Url::parse(&self.decide(&page, &form).await).expect("redirect URL")
    }

    /// The code from a successful consent, after checking `state` and `iss` came back.
    pub async fn code(&self, request: &Request, user: &str, scopes: Option<&[&str]>) -> String {
        let back = self.consent(request, user, scopes).await;
        let params = query(&back);
        assert_eq!(
            params.get("state"),
            Some(&request.state),
            "state must round-trip"
        );
        params.get("code").expect("a code").clone()
    }

    pub async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> (StatusCode, Value) {
        let response = self
            .http
            .post(format!("{}{path}", self.issuer()))
            .form(form)
            .send()
            .await
            .expect("POST");
        let status = response.status();
        let text = response.text().await.expect("body");
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    /// Exchanges a code as the public client.
    pub async fn exchange(&self, path: &str, request: &Request, code: &str) -> (StatusCode, Value) {
        self.post_form(
            path,
            &[
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", &request.redirect_uri),
                ("client_id", &request.client_id),
                ("code_verifier", &request.verifier),
            ],
        )
        .await
    }

    pub async fn get_json(&self, path: &str, bearer: Option<&str>) -> (StatusCode, Value) {
        let mut request = self.http.get(format!("{}{path}", self.issuer()));
        if let Some(token) = bearer {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("GET");
        let status = response.status();
        let text = response.text().await.expect("body");
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    /// POSTs `body` as JSON to the admin API (`/_sandbox{path}`) with the admin token.
    pub async fn admin(&self, path: &str, body: Value) -> StatusCode {
        self.admin_post(path, body).await.0
    }

    pub async fn admin_post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        let request = self
            .http
            .post(format!("{}/_sandbox{path}", self.issuer()))
            .json(&body);
        self.admin_send(request).await
    }

    /// GETs `/_sandbox{path}` with the admin token.
    pub async fn admin_get(&self, path: &str) -> (StatusCode, Value) {
        let request = self.http.get(format!("{}/_sandbox{path}", self.issuer()));
        self.admin_send(request).await
    }

    pub async fn admin_delete(&self, path: &str) -> StatusCode {
        let request = self
            .http
            .delete(format!("{}/_sandbox{path}", self.issuer()));
        self.admin_send(request).await.0
    }

    async fn admin_send(&self, request: reqwest::RequestBuilder) -> (StatusCode, Value) {
        let response = request
            .bearer_auth(self.sandbox.admin_token())
            .send()
            .await
            .expect("admin request");
        let status = response.status();
        let text = response.text().await.expect("body");
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    pub async fn grants(&self) -> Vec<Value> {
        let (_, grants) = self.admin_get("/grants").await;
        grants.as_array().expect("grants").clone()
    }

    /// Sends `request` (an HTTP/1.1 request's text, `{addr}` replaced by the sandbox's
    /// address) over a new connection; returns the response's status line and headers.
    pub async fn raw(&self, request: &str) -> String {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let addr = self.sandbox.addr();
        let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
        let text = request.replace("{addr}", &addr.to_string());
        stream.write_all(text.as_bytes()).await.expect("send");
        let mut response = Vec::new();
        stream.read_to_end(&mut response).await.expect("read");
        String::from_utf8_lossy(&response).into_owned()
    }
}

pub fn query(url: &url::Url) -> HashMap<String, String> {
    url.query_pairs().into_owned().collect()
}

impl Harness {
    /// Opens a fresh consent page for `request` and posts `form`; returns the status.
    pub async fn decide_raw(&self, request: &Request, form: &[(&str, &str)]) -> StatusCode {
        let page = self.open(request).await.expect("page");
        self.decide_raw_page(&page, form).await
    }

    /// Posts `form` to an already opened consent page; returns the status.
    pub async fn decide_raw_page(&self, page: &ConsentPage, form: &[(&str, &str)]) -> StatusCode {
        let mut body = vec![("request", page.request.as_str())];
        body.extend_from_slice(form);
        self.http
            .post(format!("{}{}", self.issuer(), page.action))
            .header("origin", self.issuer())
            .form(&body)
            .send()
            .await
            .expect("POST consent")
            .status()
    }
}

/// What the strict personality's tests ask for: sign-in, profile, email, a refresh token
/// (`offline_access`) and one API scope.
pub const GENERIC_SCOPES: &str = "openid profile email offline_access calendar.read";

/// An authorization request to the strict personality for [`GENERIC_SCOPES`].
pub fn generic_request() -> Request {
    Request::new("/authorize", GENERIC_SCOPES)
}

impl Harness {
    /// Consents as `user` to every scope `request` asks for and exchanges the code at `/token`
    /// (the strict and Google personalities' path); returns the token response.
    pub async fn link(&self, request: &Request, user: &str) -> Value {
        let code = self.code(request, user, None).await;
        let (status, tokens) = self.exchange("/token", request, &code).await;
        assert_eq!(status, StatusCode::OK, "{tokens}");
        tokens
    }

    /// `grant_type=refresh_token` at `/token`, as the public client.
    pub async fn refresh(&self, refresh_token: &str) -> (StatusCode, Value) {
        self.post_form(
            "/token",
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh_token),
                ("client_id", PUBLIC),
            ],
        )
        .await
    }

    /// GETs an authorization URL that must be refused by redirect; returns the redirect's
    /// query parameters (`error`, `state`, …).
    pub async fn redirect_query(&self, url: String) -> HashMap<String, String> {
        let response = self.http.get(url).send().await.expect("GET");
        let location = response.headers()["location"].to_str().expect("location");
        query(&url::Url::parse(location).expect("redirect URL"))
    }

    /// The status `/userinfo` answers an access token with: 200 while it works, 401 once it
    /// is expired or revoked (the strict personality's path).
    pub async fn userinfo_status(&self, access: Option<&str>) -> StatusCode {
        self.get_json("/userinfo", access).await.0
    }
}

/// A client's P-256 key for `private_key_jwt` assertions (RFC 7523), as a client makes one.
pub struct ClientKey {
    signing: p256::ecdsa::SigningKey,
    pub kid: String,
}

/// The `client_assertion_type` of a JWT client assertion.
pub const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// The private_key_jwt client [`Harness::register_jwt_client`] registers.
pub const JWT_CLIENT: &str = "qa-jwt";

impl ClientKey {
    pub fn new(kid: &str) -> Self {
        let signing = p256::ecdsa::SigningKey::from_slice(&rand_bytes()).expect("scalar");
        Self {
            signing,
            kid: kid.into(),
        }
    }

    /// The public JWK, with its `kid`.
    pub fn jwk(&self) -> Value {
        let point = self.signing.verifying_key().to_sec1_point(false);
        serde_json::json!({
            "kty": "EC", "crv": "P-256", "kid": self.kid, "use": "sig", "alg": "ES256",
            "x": B64.encode(point.x().expect("x")), "y": B64.encode(point.y().expect("y")),
        })
    }

    pub fn jwks(&self) -> Value {
        serde_json::json!({"keys": [self.jwk()]})
    }

    /// A compact ES256 JWS of `claims` under `header`.
    pub fn sign_with(&self, header: &Value, claims: &Value) -> String {
        use p256::ecdsa::signature::Signer;
        let input = format!(
            "{}.{}",
            B64.encode(header.to_string()),
            B64.encode(claims.to_string())
        );
        let signature: p256::ecdsa::Signature = self.signing.sign(input.as_bytes());
        format!("{input}.{}", B64.encode(signature.to_bytes()))
    }

    /// Good claims for `client_id` at `aud`: fresh `jti`, `exp` in a minute.
    pub fn claims(client_id: &str, aud: &str) -> Value {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("time")
            .as_secs();
        serde_json::json!({
            "iss": client_id, "sub": client_id, "aud": aud,
            "jti": B64.encode(rand_bytes()), "iat": now, "exp": now + 60,
        })
    }

    /// A good assertion for `client_id`, audience `aud`, signed with this key and its kid.
    pub fn assertion(&self, client_id: &str, aud: &str) -> String {
        self.sign(&Self::claims(client_id, aud))
    }

    pub fn sign(&self, claims: &Value) -> String {
        let header = serde_json::json!({"alg": "ES256", "typ": "JWT", "kid": self.kid});
        self.sign_with(&header, claims)
    }
}

impl Harness {
    /// Registers [`JWT_CLIENT`], a private_key_jwt client with `key`'s JWKS and the usual
    /// redirect URIs.
    pub async fn register_jwt_client(&self, key: &ClientKey) {
        let client = serde_json::json!({
            "client_id": JWT_CLIENT, "name": "QA private_key_jwt", "auth": "private_key_jwt",
            "redirect_uris": [REDIRECT, "http://127.0.0.1/callback"], "jwks": key.jwks(),
        });
        assert_eq!(self.admin("/clients", client).await, StatusCode::CREATED);
    }

    /// `form` plus a client assertion, POSTed to `path`.
    pub async fn post_asserted(
        &self,
        path: &str,
        assertion: &str,
        form: &[(&str, &str)],
    ) -> (StatusCode, Value) {
        let mut form = form.to_vec();
        form.push(("client_assertion_type", JWT_BEARER));
        form.push(("client_assertion", assertion));
        self.post_form(path, &form).await
    }
}
