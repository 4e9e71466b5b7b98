//! Providers: who Grantry links accounts at. Each has one or more environments (P3: production,
//! sandbox, local…), each with its own endpoints and client. They come from the providers file
//! (`providers.toml` in the config folder) plus the built-in Grantry Sandbox. Client secrets
//! are never in the file: they live in the keyring (see `crate::secret`).
//!
//! Every provider is validated when loaded: ids, URLs (https, or http on loopback only), a
//! client id, and either an issuer (discovery) or explicit authorization and token endpoints.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use url::Url;

/// The redirect URI Grantry registers with providers that accept a private-use scheme.
pub const CUSTOM_SCHEME_REDIRECT: &str = "dev.grantry:/oauth/callback";

/// Id of the built-in sandbox provider (reserved in the providers file).
pub const SANDBOX_ID: &str = "sandbox";

/// A provider's short id, as used on the command line (`grantry link sandbox`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ProviderId(String);

impl ProviderId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ProviderId {
    type Error = String;

    fn try_from(id: String) -> Result<Self, String> {
        let valid = (1..=32).contains(&id.len())
            && id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if valid {
            Ok(Self(id))
        } else {
            Err(format!(
                "provider id {id:?} must be 1 to 32 characters of a-z, 0-9 and '-'"
            ))
        }
    }
}

impl From<ProviderId> for String {
    fn from(id: ProviderId) -> Self {
        id.0
    }
}

impl fmt::Display for ProviderId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// How the client authenticates at the token endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClientAuth {
    /// A public client: PKCE only, no secret.
    #[default]
    None,
    /// `client_secret_basic`: the secret (from the keyring) in an Authorization header.
    SecretBasic,
    /// `client_secret_post`: the secret (from the keyring) in the form body.
    SecretPost,
}

/// Where the provider sends the browser back to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RedirectKind {
    /// `dev.grantry:/oauth/callback`, a deep link into the running app (L1).
    #[default]
    CustomScheme,
    /// `http://127.0.0.1:{ephemeral}/callback`, a one-request listener (L2, RFC 8252 §7.3).
    Loopback,
}

/// One environment of a provider: its endpoints and its client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Environment {
    pub name: String,
    /// The issuer, for OpenID Connect discovery. Kept as written: it is compared exactly, byte
    /// for byte, with the discovered one (`https://a.example` is not `https://a.example/`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorization_endpoint: Option<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_endpoint: Option<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub userinfo_endpoint: Option<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revocation_endpoint: Option<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub introspection_endpoint: Option<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jwks_uri: Option<Url>,
    pub client_id: String,
    #[serde(default)]
    pub client_auth: ClientAuth,
    #[serde(default)]
    pub redirect: RedirectKind,
    /// Scopes asked for when the user does not choose.
    #[serde(default)]
    pub scopes: Vec<String>,
    /// Extra authorization request parameters (`access_type = "offline"`, `prompt`, …).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extra_params: BTreeMap<String, String>,
    /// How access is revoked at the provider.
    #[serde(default, skip_serializing_if = "is_default")]
    pub revocation: Revocation,
}

fn is_default<T: Default + PartialEq>(value: &T) -> bool {
    *value == T::default()
}

/// How a provider takes access back (V1): RFC 7009 where it has it, its own API otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Revocation {
    /// RFC 7009 at `revocation_endpoint`: the refresh token, else the access token.
    #[default]
    Rfc7009,
    /// Facebook Graph: `DELETE {revocation_endpoint}` (…/me/permissions) with the access token.
    GraphPermissions,
    /// GitHub: `DELETE {revocation_endpoint}` (…/applications/{client_id}/grant, `{client_id}`
    /// filled in) with Basic client authentication and `{"access_token": …}`.
    GithubGrant,
}

/// A provider and its environments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Provider {
    pub id: ProviderId,
    pub name: String,
    #[serde(rename = "environment")]
    pub environments: Vec<Environment>,
}

impl Provider {
    pub fn environment(&self, name: Option<&str>) -> Result<&Environment, ProviderError> {
        match name {
            None => self.environments.first(),
            Some(name) => self.environments.iter().find(|e| e.name == name),
        }
        .ok_or_else(|| ProviderError::UnknownEnvironment {
            provider: self.id.to_string(),
            environment: name.unwrap_or_default().to_owned(),
            known: self.environments.iter().map(|e| e.name.clone()).collect(),
        })
    }

    /// Checks everything a link would otherwise trip over later.
    pub fn validate(&self) -> Result<(), ProviderError> {
        let invalid = |reason: String| ProviderError::Invalid {
            provider: self.id.to_string(),
            reason,
        };
        if self.name.trim().is_empty() {
            return Err(invalid("the name is empty".into()));
        }
        if self.environments.is_empty() {
            return Err(invalid("it has no environment".into()));
        }
        for (index, env) in self.environments.iter().enumerate() {
            let at = |reason: String| invalid(format!("environment {:?}: {reason}", env.name));
            if env.name.trim().is_empty() {
                return Err(invalid(format!("environment {} has no name", index + 1)));
            }
            if self.environments[..index]
                .iter()
                .any(|e| e.name == env.name)
            {
                return Err(at("the name is used twice".into()));
            }
            if env.client_id.trim().is_empty() {
                return Err(at("client_id is empty".into()));
            }
            if env.issuer.is_none()
                && (env.authorization_endpoint.is_none() || env.token_endpoint.is_none())
            {
                return Err(at(
                    "give an issuer (for discovery) or both authorization_endpoint and \
                     token_endpoint"
                        .into(),
                ));
            }
            if let Some(issuer) = &env.issuer {
                let url = Url::parse(issuer).map_err(|e| at(format!("issuer: {issuer:?}: {e}")))?;
                check_url(&url).map_err(|reason| at(format!("issuer: {reason}")))?;
            }
            for (key, url) in env.urls() {
                check_url(url).map_err(|reason| at(format!("{key}: {reason}")))?;
            }
            for key in env.extra_params.keys() {
                const RESERVED: &[&str] = &[
                    "client_id",
                    "redirect_uri",
                    "response_type",
                    "state",
                    "nonce",
                    "scope",
                    "code_challenge",
                    "code_challenge_method",
                ];
                if RESERVED.contains(&key.as_str()) {
                    return Err(at(format!("extra_params may not set {key:?}")));
                }
            }
        }
        Ok(())
    }
}

impl Environment {
    fn urls(&self) -> Vec<(&'static str, &Url)> {
        [
            ("authorization_endpoint", &self.authorization_endpoint),
            ("token_endpoint", &self.token_endpoint),
            ("userinfo_endpoint", &self.userinfo_endpoint),
            ("revocation_endpoint", &self.revocation_endpoint),
            ("introspection_endpoint", &self.introspection_endpoint),
            ("jwks_uri", &self.jwks_uri),
        ]
        .into_iter()
        .filter_map(|(key, url)| url.as_ref().map(|url| (key, url)))
        .collect()
    }

    /// Whether the token endpoint needs the client secret from the keyring.
    pub fn needs_secret(&self) -> bool {
        self.client_auth != ClientAuth::None
    }
}

/// Whether a host is this machine, where plain http is allowed (sandboxes, local servers).
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(domain)) => domain == "localhost",
        None => false,
    }
}

/// Provider endpoints must be https, except on loopback.
pub fn check_url(url: &Url) -> Result<(), String> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(url) => Ok(()),
        "http" => Err(format!(
            "{url} must use https (plain http only on 127.0.0.1)"
        )),
        other => Err(format!("{url} has the scheme {other:?}; use https")),
    }
}

/// Why providers could not be loaded or used.
#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is not a valid providers file: {reason}")]
    Parse { path: PathBuf, reason: String },
    #[error("provider {provider:?} is not valid: {reason}")]
    Invalid { provider: String, reason: String },
    #[error("no provider {0:?}; `grantry providers` lists them")]
    Unknown(String),
    #[error("provider {provider:?} has no environment {environment:?} (it has: {})", known.join(", "))]
    UnknownEnvironment {
        provider: String,
        environment: String,
        known: Vec<String>,
    },
    #[error("provider {0:?} already exists")]
    Duplicate(String),
    #[error("{0:?} is the built-in sandbox provider and cannot be changed or removed")]
    BuiltIn(String),
}

/// The built-in Grantry Sandbox provider, at the port the app runs it on.
pub fn sandbox_provider(port: u16) -> Provider {
    Provider {
        id: ProviderId(SANDBOX_ID.to_owned()),
        name: "Grantry Sandbox".to_owned(),
        environments: vec![Environment {
            name: "local".to_owned(),
            issuer: Some(format!("http://127.0.0.1:{port}")),
            authorization_endpoint: None,
            token_endpoint: None,
            userinfo_endpoint: None,
            revocation_endpoint: None,
            introspection_endpoint: None,
            jwks_uri: None,
            client_id: "grantry-desktop".to_owned(),
            client_auth: ClientAuth::None,
            redirect: RedirectKind::CustomScheme,
            scopes: ["openid", "profile", "email", "offline_access"]
                .map(str::to_owned)
                .to_vec(),
            extra_params: BTreeMap::new(),
            revocation: Revocation::Rfc7009,
        }],
    }
}

#[derive(Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProvidersFile {
    #[serde(default, rename = "provider")]
    providers: Vec<Provider>,
}

/// The providers file and the built-in sandbox, together.
#[derive(Debug, Clone)]
pub struct Providers {
    path: PathBuf,
    builtin: Provider,
    configured: Vec<Provider>,
}

impl Providers {
    /// Loads `path` (a missing file means no configured providers) next to the built-in
    /// sandbox on `sandbox_port`. Every provider is validated.
    pub fn load(path: &Path, sandbox_port: u16) -> Result<Self, ProviderError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(source) => {
                return Err(ProviderError::Read {
                    path: path.to_path_buf(),
                    source,
                });
            }
        };
        let file: ProvidersFile = toml::from_str(&text).map_err(|e| ProviderError::Parse {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
        let providers = Self {
            path: path.to_path_buf(),
            builtin: sandbox_provider(sandbox_port),
            configured: Vec::new(),
        };
        let mut providers = providers;
        for provider in file.providers {
            providers.check_new(&provider)?;
            providers.configured.push(provider);
        }
        Ok(providers)
    }

    fn check_new(&self, provider: &Provider) -> Result<(), ProviderError> {
        if provider.id.as_str() == SANDBOX_ID {
            return Err(ProviderError::BuiltIn(SANDBOX_ID.into()));
        }
        if self.configured.iter().any(|p| p.id == provider.id) {
            return Err(ProviderError::Duplicate(provider.id.to_string()));
        }
        provider.validate()
    }

    /// Every provider, the built-in sandbox first.
    pub fn all(&self) -> impl Iterator<Item = &Provider> {
        std::iter::once(&self.builtin).chain(&self.configured)
    }

    pub fn get(&self, id: &str) -> Result<&Provider, ProviderError> {
        self.all()
            .find(|p| p.id.as_str() == id)
            .ok_or_else(|| ProviderError::Unknown(id.to_owned()))
    }

    /// Adds a provider and saves the file. Nothing changes if it is invalid or taken.
    pub fn add(&mut self, provider: Provider) -> Result<(), ProviderError> {
        self.check_new(&provider)?;
        self.configured.push(provider);
        if let Err(error) = self.save() {
            self.configured.pop();
            return Err(error);
        }
        Ok(())
    }

    /// Removes a provider and saves the file.
    pub fn remove(&mut self, id: &str) -> Result<Provider, ProviderError> {
        if id == SANDBOX_ID {
            return Err(ProviderError::BuiltIn(id.into()));
        }
        let index = self
            .configured
            .iter()
            .position(|p| p.id.as_str() == id)
            .ok_or_else(|| ProviderError::Unknown(id.to_owned()))?;
        let removed = self.configured.remove(index);
        if let Err(error) = self.save() {
            self.configured.insert(index, removed);
            return Err(error);
        }
        Ok(removed)
    }

    fn save(&self) -> Result<(), ProviderError> {
        let write_error = |source| ProviderError::Write {
            path: self.path.clone(),
            source,
        };
        let file = ProvidersFile {
            providers: self.configured.clone(),
        };
        let text = toml::to_string_pretty(&file)
            .map_err(|e| write_error(std::io::Error::other(e.to_string())))?;
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir).map_err(write_error)?;
        }
        let partial = self.path.with_extension("toml.partial");
        let header = "# Grantry providers. Client secrets are never stored here: they live in \
                      the OS keyring.\n# Edit by hand or with `grantry providers add`.\n\n";
        std::fs::write(&partial, format!("{header}{text}")).map_err(write_error)?;
        std::fs::rename(&partial, &self.path).map_err(write_error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Providers, ProviderError> {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("providers.toml");
        std::fs::write(&path, text).expect("write");
        Providers::load(&path, 7461)
    }

    const GITLAB: &str = r#"
[[provider]]
id = "gitlab"
name = "GitLab"

[[provider.environment]]
name = "production"
issuer = "https://gitlab.com"
client_id = "abc"
scopes = ["openid", "read_user"]

[[provider.environment]]
name = "local"
authorization_endpoint = "http://127.0.0.1:3000/oauth/authorize"
token_endpoint = "http://127.0.0.1:3000/oauth/token"
client_id = "def"
client_auth = "secret_basic"
redirect = "loopback"
extra_params = { prompt = "consent" }
"#;

    #[test]
    fn a_valid_file_loads_next_to_the_builtin_sandbox() {
        let providers = load(GITLAB).expect("valid");
        let ids: Vec<&str> = providers.all().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["sandbox", "gitlab"]);
        let gitlab = providers.get("gitlab").expect("gitlab");
        assert_eq!(gitlab.environment(None).expect("first").name, "production");
        let local = gitlab.environment(Some("local")).expect("local");
        assert!(local.needs_secret());
        assert_eq!(local.redirect, RedirectKind::Loopback);
        let sandbox = providers.get("sandbox").expect("sandbox");
        assert_eq!(
            sandbox.environments[0].issuer.as_deref(),
            Some("http://127.0.0.1:7461"),
            "issuers are kept exactly as written"
        );
    }

    #[test]
    fn bad_files_get_clear_errors() {
        let cases = [
            (
                "[[provider]]\nid = \"x\"\nname = \"X\"\n",
                "missing field `environment`",
            ),
            ("[[provider]]\nid = \"Bad Id\"\n", "must be 1 to 32"),
            ("this is not toml", "not a valid providers file"),
            (
                &GITLAB.replace("https://gitlab.com", "http://gitlab.com"),
                "must use https",
            ),
            (
                &GITLAB.replace("https://gitlab.com", "ftp://gitlab.com"),
                "scheme \"ftp\"",
            ),
            (
                &GITLAB.replace("https://gitlab.com", "gitlab.com"),
                "issuer: \"gitlab.com\"",
            ),
            (
                &GITLAB.replace("client_id = \"abc\"", "client_id = \"\""),
                "client_id is empty",
            ),
            (
                &GITLAB.replace("issuer = \"https://gitlab.com\"\n", ""),
                "give an issuer",
            ),
            (
                &GITLAB.replace("name = \"local\"", "name = \"production\""),
                "used twice",
            ),
            (
                &GITLAB.replace("prompt = \"consent\"", "state = \"x\""),
                "may not set \"state\"",
            ),
            (
                &GITLAB.replace("id = \"gitlab\"", "id = \"sandbox\""),
                "built-in sandbox",
            ),
            (&format!("{GITLAB}\n{GITLAB}"), "already exists"),
            (&GITLAB.replace("scopes = ", "scops = "), "unknown field"),
        ];
        for (text, expected) in cases {
            let error = load(text).expect_err("must be refused").to_string();
            assert!(error.contains(expected), "{expected:?} not in {error:?}");
        }
    }

    #[test]
    fn adding_and_removing_rewrites_the_file_and_bad_input_changes_nothing() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("conf/providers.toml");
        let mut providers = Providers::load(&path, 7461).expect("no file yet");
        let mut gitlab = load(GITLAB)
            .expect("valid")
            .get("gitlab")
            .expect("g")
            .clone();
        providers.add(gitlab.clone()).expect("add");
        assert!(providers.add(gitlab.clone()).is_err(), "duplicate");
        gitlab.id = ProviderId("gitlab2".into());
        gitlab.environments[0].client_id.clear();
        assert!(providers.add(gitlab).is_err(), "invalid");
        let reloaded = Providers::load(&path, 7461).expect("reload");
        assert_eq!(reloaded.all().count(), 2);
        assert!(
            std::fs::read_to_string(&path)
                .expect("read")
                .contains("never stored here")
        );
        providers.remove("gitlab").expect("remove");
        assert!(providers.remove("sandbox").is_err());
        assert_eq!(
            Providers::load(&path, 7461).expect("reload").all().count(),
            1
        );
    }
}
