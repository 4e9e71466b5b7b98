//! What a sandbox serves: its personality (which real provider it imitates: generic, google,
//! facebook, github, microsoft or gitlab), its registered clients, its test users and token
//! lifetimes. The defaults give a fresh install everything it
//! needs: a public client for Grantry's custom-scheme and loopback redirects, a confidential
//! one, and three test users.
//!
//! Invariants: the serde shapes of [`ClientConfig`] and [`TestUser`] are part of the state file
//! (`src/store/persistence.rs`) and of the admin API, so they must not change. The secrets here
//! are public test values; nothing in this file is ever a real credential.

use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Which provider the sandbox imitates: its endpoint paths, scope names, token shapes and
/// error formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Personality {
    /// A strict, standards-only OAuth 2.1 / OpenID Connect provider.
    #[default]
    Generic,
    /// Google: its paths, `tokeninfo`, `access_type=offline`, no refresh-token rotation.
    Google,
    /// Facebook: Graph-style `/me`, `/me/permissions`, `fb_exchange_token`, no refresh tokens.
    Facebook,
    /// GitHub: errors as HTTP 200 bodies, `DELETE /applications/{client_id}/grant`, expiring
    /// user tokens with single-use refresh tokens unless the client opts out
    /// ([`ClientConfig::expiring_tokens`]).
    Github,
    /// The Microsoft identity platform (v2.0 endpoints): paths under a tenant (`common`,
    /// `organizations`, `consumers` or [`MICROSOFT_TENANT_ID`]), the `{tenantid}` issuer of
    /// the multi-tenant discovery documents, `tid` in ID tokens, refresh tokens only with
    /// `offline_access`, rotated at every use and refused after 90 days unused, no revocation
    /// endpoint, and AADSTS errors (`src/replies/microsoft.rs`).
    Microsoft,
    /// GitLab (Doorkeeper): `/oauth/…` paths, RFC 7009 revocation that public clients may use,
    /// `/oauth/token/info`, `/api/v4/user`, numeric user ids as subjects, rotating refresh
    /// tokens always, and Doorkeeper's error descriptions (`src/routes/gitlab.rs`).
    Gitlab,
}

impl Personality {
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "generic" => Some(Self::Generic),
            "google" => Some(Self::Google),
            "facebook" => Some(Self::Facebook),
            "github" => Some(Self::Github),
            "microsoft" => Some(Self::Microsoft),
            "gitlab" => Some(Self::Gitlab),
            _ => None,
        }
    }

    /// Whether the provider speaks OpenID Connect (discovery, JWKS, ID tokens).
    pub fn is_oidc(self) -> bool {
        matches!(
            self,
            Self::Generic | Self::Google | Self::Microsoft | Self::Gitlab
        )
    }

    /// The scopes the provider knows; anything else is `invalid_scope`.
    pub fn scopes(self) -> &'static [ScopeInfo] {
        match self {
            Self::Generic => GENERIC_SCOPES,
            Self::Google => GOOGLE_SCOPES,
            Self::Facebook => FACEBOOK_SCOPES,
            Self::Github => GITHUB_SCOPES,
            Self::Microsoft => MICROSOFT_SCOPES,
            Self::Gitlab => GITLAB_SCOPES,
        }
    }

    /// How long a refresh token may go unused before the provider refuses it: GitHub's last
    /// six months (the `refresh_token_expires_in` it sends), Microsoft's 90 days (AADSTS700082).
    /// As rotation gives a new one at every use, that is a limit on inactivity. `None`: until
    /// revoked.
    pub fn refresh_token_lifetime(self) -> Option<u64> {
        match self {
            Self::Github => Some(GITHUB_REFRESH_LIFETIME),
            Self::Microsoft => Some(MICROSOFT_REFRESH_LIFETIME),
            Self::Generic | Self::Google | Self::Facebook | Self::Gitlab => None,
        }
    }

    /// How scopes are separated in requests and responses.
    pub fn scope_separator(self) -> char {
        match self {
            Self::Facebook | Self::Github => ',',
            Self::Generic | Self::Google | Self::Microsoft | Self::Gitlab => ' ',
        }
    }
}

/// GitHub's refresh tokens: 15 897 600 seconds (184 days), as its `refresh_token_expires_in`.
const GITHUB_REFRESH_LIFETIME: u64 = 15_897_600;

/// Microsoft's refresh tokens: refused after 90 days without use (AADSTS700082).
const MICROSOFT_REFRESH_LIFETIME: u64 = 90 * 86400;

/// The sandbox's own Microsoft tenant: a made-up GUID, in the issuer of every ID token of the
/// Microsoft personality (`{issuer}/{MICROSOFT_TENANT_ID}/v2.0`) and in their `tid` claim.
pub const MICROSOFT_TENANT_ID: &str = "5b0c6a4e-3f1d-4e8a-9c27-0d6b1f8e2a91";

/// A scope and what it allows, shown on the consent page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScopeInfo {
    pub name: &'static str,
    pub description: &'static str,
}

const fn scope(name: &'static str, description: &'static str) -> ScopeInfo {
    ScopeInfo { name, description }
}

const GENERIC_SCOPES: &[ScopeInfo] = &[
    scope("openid", "Sign you in with your Sandbox account"),
    scope("profile", "See your name and picture"),
    scope("email", "See your email address"),
    scope(
        "offline_access",
        "Stay connected when you are not using the app",
    ),
    scope("calendar.read", "See your calendar"),
    scope(
        "calendar.write",
        "Create and change events in your calendar",
    ),
    scope("contacts.read", "See your contacts"),
    scope("files.read", "See your files"),
    scope("files.write", "Create, change and delete your files"),
];

const GOOGLE_SCOPES: &[ScopeInfo] = &[
    scope("openid", "Associate you with your personal info on Google"),
    scope("email", "See your primary Google Account email address"),
    scope(
        "profile",
        "See your personal info, including any personal info you've made public",
    ),
    scope(
        "https://www.googleapis.com/auth/userinfo.email",
        "See your primary Google Account email address",
    ),
    scope(
        "https://www.googleapis.com/auth/userinfo.profile",
        "See your personal info, including any personal info you've made public",
    ),
    scope(
        "https://www.googleapis.com/auth/calendar.readonly",
        "See and download any calendar you can access using your Google Calendar",
    ),
    scope(
        "https://www.googleapis.com/auth/calendar",
        "See, edit, share, and permanently delete all the calendars you can access",
    ),
    scope(
        "https://www.googleapis.com/auth/drive.file",
        "See, edit, create, and delete only the specific Google Drive files you use with this app",
    ),
    scope(
        "https://www.googleapis.com/auth/gmail.readonly",
        "View your email messages and settings",
    ),
];

const FACEBOOK_SCOPES: &[ScopeInfo] = &[
    scope("public_profile", "Your name and profile picture"),
    scope("email", "Your email address"),
    scope("user_friends", "Your friends list"),
    scope("user_photos", "Your photos"),
    scope("user_posts", "Your posts"),
];

const GITHUB_SCOPES: &[ScopeInfo] = &[
    scope("read:user", "Read all user profile data"),
    scope("user:email", "Access user email addresses (read-only)"),
    scope("repo", "Full control of private repositories"),
    scope("gist", "Create gists"),
    scope("notifications", "Access notifications"),
];

const MICROSOFT_SCOPES: &[ScopeInfo] = &[
    scope("openid", "Sign you in"),
    scope("profile", "View your basic profile"),
    scope("email", "View your email address"),
    scope(
        "offline_access",
        "Maintain access to data you have given it access to",
    ),
    scope("User.Read", "Sign you in and read your profile"),
    scope("Mail.Read", "Read your mail"),
    scope("Calendars.Read", "Read your calendars"),
    scope("Files.Read", "Read your files"),
];

const GITLAB_SCOPES: &[ScopeInfo] = &[
    scope("openid", "Sign you in with your GitLab account"),
    scope("profile", "See your name, username and picture"),
    scope("email", "See your email address"),
    scope(
        "read_user",
        "See your profile, including your email address",
    ),
    scope(
        "api",
        "Read and change everything you can, in every project and group",
    ),
    scope(
        "read_api",
        "See everything you can, in every project and group",
    ),
    scope("read_repository", "Download code from your repositories"),
    scope("write_repository", "Push code to your repositories"),
];

/// How a client proves who it is at the token, revocation, introspection and pushed
/// authorization request endpoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "SandboxClientAuth"))]
#[serde(rename_all = "snake_case")]
pub enum ClientAuth {
    /// A public client (PKCE only): no secret, `client_id` in the body.
    None,
    /// `client_secret_basic` or `client_secret_post`, as the client likes.
    Secret,
    /// `private_key_jwt` (RFC 7523 §2.2, OpenID Connect Core §9): a JWT signed with a key of
    /// the client's registered [`ClientConfig::jwks`] (`src/client_assertion.rs`).
    PrivateKeyJwt,
}

/// A registered client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "SandboxClient"))]
pub struct ClientConfig {
    pub client_id: String,
    /// Only for [`ClientAuth::Secret`] clients.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
    pub name: String,
    pub auth: ClientAuth,
    /// Matched exactly, except that a loopback `http://127.0.0.1/…` or `http://[::1]/…`
    /// matches any port (RFC 8252 §7.3).
    pub redirect_uris: Vec<String>,
    /// GitHub only: whether the client's user tokens expire and come with a refresh token (a
    /// GitHub App with expiring user tokens), or never expire and come alone (an OAuth App).
    /// Absent means `true`, and `true` is not written, so clients saved before the field
    /// existed, and the admin API's existing bodies, mean what they meant.
    #[serde(default = "expiring", skip_serializing_if = "is_expiring")]
    pub expiring_tokens: bool,
    /// Only for [`ClientAuth::PrivateKeyJwt`] clients: the public keys (a JWK Set, RFC 7517
    /// §5, P-256 keys only) its assertions are checked with. Absent in older state files and
    /// admin bodies, which then mean what they meant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional, type = "unknown"))]
    pub jwks: Option<serde_json::Value>,
    /// The client must send a DPoP proof at the token endpoint, and its access tokens are
    /// always sender-constrained (RFC 9449 §5.2, the registration metadata of this name).
    /// Absent means `false`, and `false` is not written, so earlier state files and admin
    /// bodies mean what they meant.
    #[serde(default, skip_serializing_if = "is_false")]
    #[cfg_attr(feature = "ts", ts(optional, as = "Option<bool>"))]
    pub dpop_bound_access_tokens: bool,
}

fn is_false(value: &bool) -> bool {
    !*value
}

fn expiring() -> bool {
    true
}

fn is_expiring(expiring_tokens: &bool) -> bool {
    *expiring_tokens
}

/// A test user who can consent on the sandbox's page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TestUser {
    /// The stable subject identifier (`sub`).
    pub sub: String,
    /// The name typed or picked on the consent page.
    pub login: String,
    pub name: String,
    pub email: String,
}

impl TestUser {
    /// A user made up from a login typed on the consent page.
    pub fn from_login(login: &str) -> Self {
        let mut name: String = login.chars().take(1).flat_map(char::to_uppercase).collect();
        name.extend(login.chars().skip(1));
        Self {
            sub: format!("user-{login}"),
            login: login.to_owned(),
            name: format!("{name} Tester"),
            email: format!("{login}@sandbox.grantry.test"),
        }
    }

    /// Whether `login` may name a test user: 1 to 32 of a-z, 0-9, '.', '_' and '-' (short, lower
    /// case, no markup), on the consent page and in the admin API alike.
    pub fn is_valid_login(login: &str) -> bool {
        (1..=32).contains(&login.len())
            && login
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
    }
}

/// The public client Grantry itself uses with the built-in sandbox.
pub const GRANTRY_CLIENT_ID: &str = "grantry-desktop";
/// A confidential client, for testing `client_secret_basic` and `client_secret_post`.
pub const CONFIDENTIAL_CLIENT_ID: &str = "grantry-confidential";
/// Its secret: the sandbox is a local test provider, so this is public knowledge.
pub const CONFIDENTIAL_CLIENT_SECRET: &str = "sandbox-secret";

/// Everything a sandbox needs to start.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    pub personality: Personality,
    /// Port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    pub access_token_lifetime: Duration,
    /// How long an authorization code can be exchanged.
    pub code_lifetime: Duration,
    /// The device grant's polling interval at first (RFC 8628 §3.2 `interval`; 5 seconds, as
    /// real providers say); whole seconds, 0 allowed for tests.
    pub device_interval: Duration,
    /// How long a device code and its user code last (`expires_in`).
    pub device_code_lifetime: Duration,
    /// Rotate refresh tokens on use and revoke the grant when a rotated one comes back. On by
    /// default, except for Google, whose refresh tokens do not rotate.
    pub rotate_refresh_tokens: bool,
    /// Keep clients, users, grants and the signing key in this file across restarts.
    pub state_file: Option<PathBuf>,
    /// Keep the admin token in this file across restarts (mode 0600). When `None` and a state
    /// file is set, `<state file's stem>-admin-token` next to it (`sandbox-admin-token` for
    /// `sandbox.json`); with neither, the token is new at every start.
    pub admin_token_file: Option<PathBuf>,
    /// For tests only: append every code and token the sandbox issues (ID tokens and the
    /// refresh tokens that later rotate included) to this file, one a line, so a test can
    /// search the app's files for any of them. Off by default; never turn it on for real use.
    pub token_log: Option<PathBuf>,
    pub clients: Vec<ClientConfig>,
    pub users: Vec<TestUser>,
    /// Refuse authorization requests that were not pushed first (RFC 9126 §5), and say so in
    /// discovery (`require_pushed_authorization_requests`). Off by default; the admin API
    /// turns it on and off while the sandbox runs ([`crate::Admin::set_require_par`]). Only
    /// the generic personality has the endpoint, so the others ignore it.
    pub require_pushed_authorization_requests: bool,
    /// What the sandbox asks of DPoP (RFC 9449): proofs from every client, server nonces.
    /// Changed at run time by the admin API (`src/admin.rs`).
    pub dpop: DpopSettings,
}

/// The sandbox-wide DPoP switches (RFC 9449); a client can also require DPoP on its own
/// ([`ClientConfig::dpop_bound_access_tokens`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "SandboxDpop"))]
pub struct DpopSettings {
    /// Every client must send a DPoP proof at the token endpoint (as if each were registered
    /// with `dpop_bound_access_tokens`).
    #[serde(default)]
    pub required: bool,
    /// Every proof must carry a nonce the sandbox gave (RFC 9449 §8, §9): a proof without one
    /// is answered `use_dpop_nonce` with a `DPoP-Nonce` header.
    #[serde(default)]
    pub nonce: bool,
}

impl SandboxConfig {
    /// The test hook for [`SandboxConfig::token_log`]: the file `GRANTRY_SANDBOX_TOKEN_LOG`
    /// names, in debug builds only (release builds never read it), as every sandbox Grantry
    /// starts takes it: the app's, `grantry-sandbox`'s and a `grantry` command's own.
    pub fn token_log_from_env() -> Option<PathBuf> {
        std::env::var_os("GRANTRY_SANDBOX_TOKEN_LOG")
            .filter(|path| cfg!(debug_assertions) && !path.is_empty())
            .map(PathBuf::from)
    }

    pub fn new(personality: Personality) -> Self {
        Self {
            personality,
            port: 0,
            access_token_lifetime: Duration::from_secs(3600),
            code_lifetime: Duration::from_secs(60),
            device_interval: Duration::from_secs(5),
            device_code_lifetime: Duration::from_secs(600),
            rotate_refresh_tokens: personality != Personality::Google,
            state_file: None,
            admin_token_file: None,
            token_log: None,
            clients: default_clients(),
            users: ["alice", "bob", "carol"].map(TestUser::from_login).to_vec(),
            require_pushed_authorization_requests: false,
            dpop: DpopSettings::default(),
        }
    }
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self::new(Personality::Generic)
    }
}

fn default_clients() -> Vec<ClientConfig> {
    let redirects = vec![
        "dev.grantry:/oauth/callback".to_owned(),
        "http://127.0.0.1/callback".to_owned(),
    ];
    vec![
        ClientConfig {
            client_id: GRANTRY_CLIENT_ID.into(),
            client_secret: None,
            name: "Grantry".into(),
            auth: ClientAuth::None,
            redirect_uris: redirects.clone(),
            expiring_tokens: true,
            jwks: None,
            dpop_bound_access_tokens: false,
        },
        ClientConfig {
            client_id: CONFIDENTIAL_CLIENT_ID.into(),
            client_secret: Some(CONFIDENTIAL_CLIENT_SECRET.into()),
            name: "Grantry (confidential)".into(),
            auth: ClientAuth::Secret,
            redirect_uris: redirects,
            expiring_tokens: true,
            jwks: None,
            dpop_bound_access_tokens: false,
        },
    ]
}
