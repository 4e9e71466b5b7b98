//! That the capabilities grant exactly the commands the app registers: every command in
//! `src-tauri/ipc_commands.rs` is allowed by `src-tauri/capabilities/main.json` (or the webview
//! could not call it) and the capability allows no command the app does not register (a stale
//! grant would hand a future command to the webview unreviewed). Run by the build script on
//! every build, and tested here against broken lists.

/// What is wrong between the registered `commands` and a capability file's JSON, one sentence
/// a problem; empty when they agree. Permissions of Tauri's own (`core:…`) are not commands.
pub fn mismatches(commands: &[&str], capability_json: &str) -> Vec<String> {
    let capability: serde_json::Value = match serde_json::from_str(capability_json) {
        Ok(value) => value,
        Err(error) => return vec![format!("the capability is not JSON: {error}")],
    };
    let Some(permissions) = capability["permissions"].as_array() else {
        return vec!["the capability has no \"permissions\" list".to_owned()];
    };
    let mut problems = Vec::new();
    let mut granted = Vec::new();
    for permission in permissions {
        let Some(permission) = permission.as_str() else {
            problems.push(format!("{permission} is not a plain permission name"));
            continue;
        };
        if permission.contains(':') {
            continue;
        }
        match permission.strip_prefix("allow-") {
            Some(command) => granted.push(command.replace('-', "_")),
            None => problems.push(format!("{permission} is not an allow-<command> permission")),
        }
    }
    for (i, command) in commands.iter().enumerate() {
        if commands[..i].contains(command) {
            problems.push(format!("`{command}` is listed twice"));
        } else if !granted.iter().any(|g| g == command) {
            problems.push(format!(
                "`{command}` is registered but no capability allows it"
            ));
        }
    }
    for command in &granted {
        if !commands.contains(&command.as_str()) {
            problems.push(format!(
                "`{command}` is allowed but not a registered command"
            ));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::mismatches;

    const CAPABILITY: &str = r#"{"permissions": ["allow-list-accounts", "allow-refresh-all",
        "core:event:allow-listen"]}"#;

    #[test]
    fn a_capability_granting_exactly_the_commands_passes() {
        assert!(mismatches(&["list_accounts", "refresh_all"], CAPABILITY).is_empty());
    }

    #[test]
    fn a_command_without_a_grant_and_a_grant_without_a_command_are_named() {
        let problems = mismatches(&["list_accounts", "revoke_all"], CAPABILITY);
        assert_eq!(
            problems,
            [
                "`revoke_all` is registered but no capability allows it",
                "`refresh_all` is allowed but not a registered command",
            ]
        );
    }

    #[test]
    fn a_command_listed_twice_and_a_deny_permission_are_named() {
        let capability = r#"{"permissions": ["allow-list-accounts", "deny-list-accounts"]}"#;
        let problems = mismatches(&["list_accounts", "list_accounts"], capability);
        assert!(
            problems.contains(&"deny-list-accounts is not an allow-<command> permission".into())
        );
        assert!(problems.contains(&"`list_accounts` is listed twice".into()));
    }

    #[test]
    fn the_apps_own_lists_agree() {
        macro_rules! ipc_commands {
            ($($module:ident::$command:ident),* $(,)?) => { [$(stringify!($command)),*] };
        }
        let commands = include!("ipc_commands.rs");
        let capability = include_str!("capabilities/main.json");
        assert_eq!(mismatches(&commands, capability), Vec::<String>::new());
    }
}
