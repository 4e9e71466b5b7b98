//! The integration tests, one module a file, built as one test binary: each file on its own
//! linked a binary of its own, which made the tests' build several times slower.

mod arguments;
mod client_proofs;
mod conventions;
mod crash;
mod device_link;
mod exchange;
mod history;
mod keyring;
mod link;
mod logging;
mod own_sandbox;
mod providers;
mod refresh;
mod revoke;
mod support;
mod system_trust;
mod test_users;
mod token;
