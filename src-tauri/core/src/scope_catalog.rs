//! Plain-language descriptions of well-known scopes, so a person can see what a grant
//! allows without knowing OAuth: the OpenID Connect standard scopes, and common ones at
//! Google, Microsoft, GitHub, GitLab and Facebook. Unknown scopes have no description; the UI
//! shows the scope itself.

const KNOWN: &[(&str, &str)] = &[
    ("openid", "Sign you in and know who you are"),
    ("profile", "See your name and picture"),
    ("email", "See your email address"),
    ("address", "See your postal address"),
    ("phone", "See your phone number"),
    (
        "offline_access",
        "Stay connected when you are not using the app",
    ),
    // The built-in sandbox.
    ("calendar.read", "See your calendar"),
    (
        "calendar.write",
        "Create and change events in your calendar",
    ),
    ("contacts.read", "See your contacts"),
    ("files.read", "See your files"),
    ("files.write", "Create, change and delete your files"),
    // Google.
    (
        "https://www.googleapis.com/auth/userinfo.email",
        "See your primary Google Account email address",
    ),
    (
        "https://www.googleapis.com/auth/userinfo.profile",
        "See your personal info, including any you made public",
    ),
    (
        "https://www.googleapis.com/auth/calendar",
        "See, edit, share and delete all your Google calendars",
    ),
    (
        "https://www.googleapis.com/auth/calendar.readonly",
        "See and download your Google calendars",
    ),
    (
        "https://www.googleapis.com/auth/drive",
        "See, edit, create and delete all your Google Drive files",
    ),
    (
        "https://www.googleapis.com/auth/drive.file",
        "See, edit, create and delete only the Drive files used with this app",
    ),
    (
        "https://www.googleapis.com/auth/drive.readonly",
        "See and download all your Google Drive files",
    ),
    (
        "https://www.googleapis.com/auth/gmail.readonly",
        "Read your email messages and settings",
    ),
    (
        "https://www.googleapis.com/auth/gmail.send",
        "Send email on your behalf",
    ),
    (
        "https://www.googleapis.com/auth/contacts.readonly",
        "See and download your contacts",
    ),
    // Microsoft Graph.
    ("User.Read", "Sign you in and read your profile"),
    ("Mail.Read", "Read your mail"),
    ("Mail.Send", "Send mail as you"),
    ("Calendars.Read", "Read your calendars"),
    ("Calendars.ReadWrite", "Have full access to your calendars"),
    ("Files.Read", "Read your files"),
    ("Files.ReadWrite", "Have full access to your files"),
    // GitHub.
    (
        "repo",
        "Full control of your repositories, private ones included",
    ),
    ("public_repo", "Access your public repositories"),
    ("read:user", "Read all your profile data"),
    ("user:email", "See your email addresses"),
    ("user", "Read and change your profile"),
    ("gist", "Create gists"),
    ("notifications", "Access your notifications"),
    ("read:org", "Read your organizations and teams"),
    ("workflow", "Change GitHub Actions workflows"),
    // GitLab.
    ("read_user", "Read your personal information"),
    ("read_api", "Read access to the API, your projects included"),
    ("api", "Full access to the API, your projects included"),
    ("read_repository", "Read your repositories"),
    ("write_repository", "Read and write your repositories"),
    // Facebook.
    ("public_profile", "Your name and profile picture"),
    ("user_friends", "Your friends list"),
    ("user_photos", "Your photos"),
    ("user_posts", "Your posts"),
];

/// What a scope allows, in plain words, when it is a well-known one.
pub fn describe(scope: &str) -> Option<&'static str> {
    KNOWN
        .iter()
        .find(|(name, _)| *name == scope)
        .map(|(_, description)| *description)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_known_scopes_are_described_and_others_are_not() {
        assert_eq!(describe("email"), Some("See your email address"));
        assert!(describe("https://www.googleapis.com/auth/drive.file").is_some());
        assert_eq!(describe("admin.everything"), None);
        let mut names: Vec<&str> = KNOWN.iter().map(|(name, _)| *name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), KNOWN.len(), "each scope is described once");
    }
}
