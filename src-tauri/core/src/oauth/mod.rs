//! Talking to providers, one file per flow or RFC: where the endpoints are ([`discovery`]),
//! the client and its authentication written once ([`client`], with `private_key_jwt`
//! assertions in [`client_assertion`]), the authorization request and
//! the links under way ([`authorize`]), pushed first when asked ([`pushed_authorization`]),
//! the answer that comes back ([`callback`], through a
//! deep link or the [`loopback`] listener), the code exchange ([`code_exchange`]) with the ID
//! token ([`id_token`]) and profile ([`userinfo`]), the device grant ([`device`]),
//! [`refresh_token`], [`revocation`] and [`introspection`], all over one HTTP client
//! ([`http`]), with DPoP proofs on each of them for an account bound to a key ([`dpop`]).
//!
//! This layer returns plain results. It never touches the database, the keyring or the
//! activity history: the engine (`engine/`) stores and records what it learns.

pub mod authorize;
pub mod callback;
pub mod client;
pub mod client_assertion;
pub mod code_exchange;
pub mod device;
pub mod discovery;
pub mod dpop;
pub mod http;
pub mod id_token;
pub mod introspection;
pub mod jws;
pub mod loopback;
pub mod pushed_authorization;
pub mod refresh_token;
pub mod revocation;
pub mod token_exchange;
pub mod token_shape;
pub mod userinfo;

pub use http::{Http, HttpError};
