//! The built-in sandbox as a provider: adopted only when it proves to be ours. A port proves
//! nothing, since any program of any user may hold it and would then receive the person's
//! consent and tokens; the sandbox proves it holds the admin token kept in this data folder
//! by answering a challenge, without the token ever being sent. The answer covers the issuer
//! about to be adopted, so a program on another port cannot relay the challenge to the real
//! sandbox and pass its answer off as its own.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use subtle::ConstantTimeEq;

use super::{Grantry, lock};
use crate::oauth::http;
use crate::paths;
use crate::providers::{SANDBOX_ID, sandbox_issuer};

impl Grantry {
    /// The built-in sandbox provider is the one this process runs on `port`; `None`: no
    /// sandbox runs (it was stopped), so the built-in provider is no longer offered.
    pub fn adopt_sandbox(&self, port: Option<u16>) {
        lock(&self.providers).set_sandbox(port);
        // Endpoints found at another port must not be used for this one.
        lock(&self.endpoints).retain(|(provider, _), _| provider != SANDBOX_ID);
    }

    /// Adopts the sandbox running on `port` if it proves to be ours: it proves it holds the
    /// admin token kept in this data folder ([`paths::SANDBOX_ADMIN_TOKEN_FILE`], readable by
    /// this user only) by answering a fresh random challenge with its HMAC under that token
    /// and the issuer it is about to be adopted at, `http://127.0.0.1:PORT` ([`sandbox_proof`]).
    /// The token itself is never sent: another program holding the port receives only the
    /// challenge, learns nothing it could use, and never a user's consent or tokens. Relaying
    /// the challenge to our sandbox on another port gets it an answer for that port's issuer,
    /// which does not hold for its own. Returns whether it was adopted.
    pub async fn find_sandbox(&self, port: u16) -> bool {
        let path = self.data_dir.join(paths::SANDBOX_ADMIN_TOKEN_FILE);
        let Ok(token) = std::fs::read_to_string(&path) else {
            return false;
        };
        let mut random = [0u8; 32];
        if let Err(error) = getrandom::fill(&mut random) {
            tracing::error!("no challenge for the sandbox on port {port}: {error}");
            return false;
        }
        let challenge = B64.encode(random);
        let issuer = sandbox_issuer(port);
        let ours = match self.ask_sandbox_proof(&issuer, &challenge).await {
            Ok(answer) => bool::from(
                answer
                    .as_bytes()
                    .ct_eq(sandbox_proof(token.trim(), &issuer, &challenge).as_bytes()),
            ),
            Err(reason) => {
                tracing::debug!("no sandbox on port {port}: {reason}");
                false
            }
        };
        if ours {
            self.adopt_sandbox(Some(port));
        } else {
            tracing::info!("the program on port {port} did not prove to be our sandbox");
        }
        ours
    }

    /// The proof the program at `issuer` gives for `challenge`, or why there is none.
    async fn ask_sandbox_proof(&self, issuer: &str, challenge: &str) -> Result<String, String> {
        let url = format!("{issuer}/_sandbox/proof?challenge={challenge}");
        let url = url::Url::parse(&url).map_err(|e| e.to_string())?;
        let request = http::get_json(&url, None).map_err(|e| e.to_string())?;
        let response = self
            .http
            .send_unlogged(request)
            .await
            .map_err(|e| e.to_string())?;
        if !response.status().is_success() {
            return Err(format!("HTTP {}", response.status()));
        }
        let answer: serde_json::Value =
            serde_json::from_slice(response.body()).map_err(|e| e.to_string())?;
        answer["proof"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| "no proof in the answer".to_owned())
    }
}

/// What the built-in sandbox at `issuer` answers to `challenge` when it holds `admin_token`:
/// HMAC-SHA256 (RFC 2104) over `grantry-sandbox-proof-v2:`, the issuer's length as eight bytes
/// big-endian, the issuer and the challenge, in unpadded base64url. The sandbox computes the
/// same with its own issuer (`src-tauri/sandbox/src/proof.rs`).
fn sandbox_proof(admin_token: &str, issuer: &str, challenge: &str) -> String {
    use hmac::{Hmac, KeyInit, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(admin_token.as_bytes())
        .expect("HMAC takes keys of any size");
    mac.update(b"grantry-sandbox-proof-v2:");
    let issuer_len = u64::try_from(issuer.len()).expect("a URL's length fits in 64 bits");
    mac.update(&issuer_len.to_be_bytes());
    mac.update(issuer.as_bytes());
    mac.update(challenge.as_bytes());
    B64.encode(mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_proof_is_hmac_sha256_of_the_label_the_issuer_and_the_challenge() {
        // The same known answer is checked by the sandbox's side (its `proof.rs`).
        let challenge = "A".repeat(22);
        assert_eq!(
            sandbox_proof("sbx_admin_known-answer", &sandbox_issuer(7461), &challenge),
            "YHiE1neRJmReJeuYi-Q6qV-RFxng-WkCVATZwluq1iI"
        );
    }
}
