//! The integration tests, one module a file, built as one test binary: each file on its own
//! linked a binary of its own, which made the tests' build several times slower.

mod admin;
mod authorize;
mod client_assertion;
mod connection_faults;
mod device;
mod discovery;
mod dpop;
mod facebook;
mod faults;
mod flow;
mod github;
mod gitlab;
mod google;
mod guard;
mod introspection;
mod keys;
mod limits;
mod microsoft;
mod par;
mod persistence;
mod revocation;
mod support;
mod token;
mod token_exchange;
mod token_log;
mod userinfo;
