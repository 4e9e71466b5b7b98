//! What the account's Inspector shows of its tokens: their shape and, for a JWT, its header
//! and claims (RFC 7515, RFC 7519), never the token itself; and for DPoP (RFC 9449) the key
//! its tokens are bound to, by its public thumbprint.

use serde::Serialize;

use super::HttpExchange;
use crate::secret::TokenType;

/// What the account's Inspector shows of its tokens: never a token itself. A JWT's header
/// and claims are its own JSON text, decoded from base64url (RFC 7515 §2, RFC 7519 §3) with
/// the signature left out, so that what is shown can never be used as the token; the window
/// reads the JSON and explains the claims.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Inspection {
    pub account_id: i64,
    pub access_token: TokenShape,
    /// `None` when the provider sent no ID token (OAuth 2 only providers).
    pub id_token: Option<TokenShape>,
    /// The last token response (from a link or a refresh) as the HTTP log kept it, every
    /// secret masked; `None` when the log holds none any more.
    pub token_response: Option<HttpExchange>,
    /// How the access token is used: `Bearer`, or `DPoP` (RFC 9449: with a proof of the
    /// account's key).
    pub token_type: TokenType,
    /// What binds the tokens to the account's DPoP key; `None` for bearer tokens.
    pub binding: Option<DpopBinding>,
}

/// A DPoP-bound account's key and what its access token says of it (RFC 9449 §6): public
/// values only, the key's private part never leaves the keyring.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DpopBinding {
    /// The RFC 7638 thumbprint of the account's key: the `jkt` the provider binds to.
    pub key_thumbprint: String,
    /// The access token's `cnf.jkt`, when it is a JWT that carries one (§6.1); an opaque
    /// token's binding is the provider's to tell (its introspection answer, §6.2).
    pub token_jkt: Option<String>,
    /// Whether the two are the same; `None` when the token names no key.
    pub matches: Option<bool>,
}

/// What the provider says of a DPoP-bound access token when asked (token introspection,
/// RFC 7662, whose answer names the key as `cnf.jkt`, RFC 9449 §6.2): the binding confirmed
/// by the one who keeps it, for opaque tokens that name no key themselves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ProviderBinding {
    /// Whether the provider says the access token is active.
    pub active: bool,
    /// The key the provider says the token is bound to, if it says.
    pub jkt: Option<String>,
    /// Whether that is the account's key; `None` when the provider names no key.
    pub matches: Option<bool>,
}

/// A token as the Inspector may show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "shape", rename_all = "snake_case")]
#[cfg_attr(feature = "ts", ts(tag = "shape", rename_all = "snake_case"))]
pub enum TokenShape {
    /// A signed JWT (three base64url parts): its header's and claims' text, as sent.
    Jwt { header: String, claims: String },
    /// An Unsecured JWT (`alg: none`, RFC 7519 §6): nobody signed it, so its claims are anyone's
    /// word. Shown as that, never as a signed token: Grantry refuses one as an ID token
    /// (`oauth/id_token.rs`), so an ID token of this shape in the keyring was not put there by
    /// a link or a refresh.
    Unsecured { header: String, claims: String },
    /// Anything else (opaque, encrypted): only its length is told.
    Opaque { length: u32 },
}
