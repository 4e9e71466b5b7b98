//! The operations of [`Grantry`](crate::Grantry), one file each: linking, refreshing,
//! revoking, and what QA testers inspect. `lib.rs` holds the type, opening it, and the simple
//! queries.

mod inspect;
mod link;
mod refresh;
mod revoke;
