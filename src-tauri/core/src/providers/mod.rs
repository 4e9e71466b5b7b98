//! Providers: who Grantry links accounts at. They come from the providers file
//! (`providers.toml` in the config folder) plus the built-in Grantry Sandbox ([`builtin`]);
//! what a provider is and the rules it must pass are in [`config`], the rules of its URLs in
//! [`urls`], its redirect strategies in [`redirect`], the providers Grantry knows by name in
//! [`presets`]. The file is rewritten
//! atomically, and a provider that is invalid or taken changes nothing.

mod builtin;
mod config;
pub mod draft;
pub mod presets;
mod redirect;
mod urls;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub use builtin::{SANDBOX_ID, sandbox_issuer, sandbox_provider};
pub use config::{ClientAuth, Environment, Provider, ProviderError, ProviderId, Revocation};
pub use presets::Preset;
pub use redirect::{Redirect, RedirectKind, check_provider_scheme};
pub use urls::{PlainHttp, check_url, is_loopback};

/// The URL scheme the provider redirects to (RFC 8252 §7.1: reverse domain name).
pub const URL_SCHEME: &str = "dev.grantry";

/// The path of a sign-in response on the custom scheme.
pub const CALLBACK_PATH: &str = "/oauth/callback";

/// The redirect URI Grantry registers with providers that accept a private-use scheme:
/// [`URL_SCHEME`] `:` [`CALLBACK_PATH`].
pub const CUSTOM_SCHEME_REDIRECT: &str = "dev.grantry:/oauth/callback";

/// File name of the providers file inside the config folder.
pub const PROVIDERS_FILE: &str = "providers.toml";

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
    /// The built-in sandbox, only while one this process trusts is running (see
    /// [`Providers::set_sandbox`]): a port alone proves nothing, another program may hold it.
    builtin: Option<Provider>,
    configured: Vec<Provider>,
}

impl Providers {
    /// Loads `path` (a missing file means no configured providers), next to the built-in
    /// sandbox when one this process trusts runs on `sandbox_port`. Every provider is
    /// validated.
    pub fn load(path: &Path, sandbox_port: Option<u16>) -> Result<Self, ProviderError> {
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
        Self::parse(path, &text, sandbox_port)
    }

    /// [`Providers::load`] for the file's text already read; `path` is where it came from,
    /// where errors point and changes are saved.
    pub(crate) fn parse(
        path: &Path,
        text: &str,
        sandbox_port: Option<u16>,
    ) -> Result<Self, ProviderError> {
        let file: ProvidersFile = toml::from_str(text).map_err(|e| ProviderError::Parse {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
        let providers = Self {
            path: path.to_path_buf(),
            builtin: sandbox_port.map(sandbox_provider),
            configured: Vec::new(),
        };
        let mut providers = providers;
        for provider in file.providers {
            providers.check_new(&provider)?;
            providers.configured.push(provider.stamped());
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
        self.builtin.iter().chain(&self.configured)
    }

    /// The private-use schemes of providers' own (the `provider_scheme` redirect), which the
    /// app registers with the desktop and takes answers on, beside [`URL_SCHEME`].
    pub fn provider_schemes(&self) -> Vec<String> {
        let mut schemes: Vec<String> = self
            .all()
            .flat_map(|p| &p.environments)
            .filter(|e| e.redirect == RedirectKind::ProviderScheme)
            .filter_map(|e| check_provider_scheme(e.redirect_uri.as_deref()?).ok())
            .collect();
        schemes.sort();
        schemes.dedup();
        schemes
    }

    /// The built-in sandbox is the one running on `port` (or none runs that this process
    /// trusts).
    pub fn set_sandbox(&mut self, port: Option<u16>) {
        self.builtin = port.map(sandbox_provider);
    }

    pub fn get(&self, id: &str) -> Result<&Provider, ProviderError> {
        if id == SANDBOX_ID && self.builtin.is_none() {
            return Err(ProviderError::SandboxNotRunning);
        }
        self.all()
            .find(|p| p.id.as_str() == id)
            .ok_or_else(|| ProviderError::Unknown(id.to_owned()))
    }

    /// Adds a provider and saves the file. Nothing changes if it is invalid or taken.
    pub fn add(&mut self, provider: Provider) -> Result<(), ProviderError> {
        self.check_new(&provider)?;
        self.configured.push(provider.stamped());
        if let Err(error) = self.save() {
            self.configured.pop();
            return Err(error);
        }
        Ok(())
    }

    /// Replaces the provider `id` with `provider` (whose id may differ) and saves the file.
    /// Nothing changes if it is invalid, or its new id is taken.
    pub fn replace(&mut self, id: &str, provider: Provider) -> Result<(), ProviderError> {
        let index = self
            .configured
            .iter()
            .position(|p| p.id.as_str() == id)
            .ok_or_else(|| ProviderError::Unknown(id.to_owned()))?;
        let old = self.configured.remove(index);
        if let Err(error) = self.check_new(&provider) {
            self.configured.insert(index, old);
            return Err(error);
        }
        self.configured.insert(index, provider.stamped());
        if let Err(error) = self.save() {
            self.configured[index] = old;
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
        let text = self
            .text()
            .map_err(|e| write_error(std::io::Error::other(e.to_string())))?;
        // This user's only (`paths.rs`): the folder 0700, the file 0600 from its creation on.
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            crate::paths::private_dir(dir).map_err(write_error)?;
        }
        let partial = self.path.with_extension("toml.partial");
        crate::paths::private_file(&partial).map_err(write_error)?;
        std::fs::write(&partial, text).map_err(write_error)?;
        std::fs::rename(&partial, &self.path).map_err(write_error)
    }

    /// The providers file's text as it is saved: the configured providers, after a header.
    pub(crate) fn text(&self) -> Result<String, toml::ser::Error> {
        let file = ProvidersFile {
            providers: self.configured.clone(),
        };
        let header = "# Grantry providers. Client secrets are never stored here: they live in \
                      the OS keyring.\n# Edit by hand or with `grantry providers add`.\n\n";
        Ok(format!("{header}{}", toml::to_string_pretty(&file)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Providers, ProviderError> {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("providers.toml");
        std::fs::write(&path, text).expect("write");
        Providers::load(&path, Some(7461))
    }

    const GITLAB: &str = r#"
[[provider]]
id = "gitlab"
name = "GitLab"
allow_plain_http_loopback = true

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
    fn the_custom_scheme_redirect_is_the_scheme_and_the_callback_path() {
        assert_eq!(
            CUSTOM_SCHEME_REDIRECT,
            format!("{URL_SCHEME}:{CALLBACK_PATH}")
        );
    }

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
            (
                &GITLAB.replace("allow_plain_http_loopback = true\n", ""),
                "set allow_plain_http_loopback = true",
            ),
            (
                &GITLAB.replace("http://127.0.0.1:3000", "http://localhost:3000"),
                "never on a name",
            ),
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
        let mut providers = Providers::load(&path, Some(7461)).expect("no file yet");
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
        let reloaded = Providers::load(&path, Some(7461)).expect("reload");
        assert_eq!(reloaded.all().count(), 2);
        assert!(
            std::fs::read_to_string(&path)
                .expect("read")
                .contains("never stored here")
        );
        providers.remove("gitlab").expect("remove");
        assert!(providers.remove("sandbox").is_err());
        assert_eq!(
            Providers::load(&path, Some(7461))
                .expect("reload")
                .all()
                .count(),
            1
        );
    }
}
