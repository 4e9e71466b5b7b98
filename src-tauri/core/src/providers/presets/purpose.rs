//! Why an authorization request is made, for presets that ask differently (Google asks for
//! consent again on a link, and for the earlier grant to be joined when scopes are added).

/// Why an authorization request is made, for presets that ask differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// A new account.
    Link,
    /// More scopes for an account already here (incremental authorization).
    AddScopes,
    /// The same account again.
    Relink,
}
