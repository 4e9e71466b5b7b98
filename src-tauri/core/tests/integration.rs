//! The integration tests, one module a file, built as one test binary: each file on its own
//! linked a binary of its own, which made the tests' build several times slower.
//! `permissions.rs` stays apart (see its header).

mod bindings;
mod break_cause;
mod client_proofs;
mod device_link;
mod discovery;
mod dpop;
mod exchange;
mod fuzz_corpus;
mod grant_end;
mod hand_out;
mod hostile_provider;
mod http_log;
mod inspect;
mod intake;
mod keyring;
mod link;
mod plain_http;
mod presets;
mod private_key_jwt;
mod programs;
mod pushed_authorization;
mod refresh;
mod refreshed_id_token;
mod repair;
mod revocation_receipt;
mod revoke;
mod revoke_all;
mod sandbox_trust;
mod scopes;
mod stderr_lines;
mod support;
mod test_users;
mod token_keys;
