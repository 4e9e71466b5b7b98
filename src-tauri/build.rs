fn main() {
    // Only the commands listed here get permissions (`allow-<command>`); capabilities in
    // src-tauri/capabilities/ grant the ones the UI calls, and nothing else.
    let app = tauri_build::AppManifest::new().commands(&[
        "list_accounts",
        "accounts_shown",
        "list_activity",
        "sandbox_status",
        "list_providers",
        "list_provider_views",
        "list_presets",
        "test_discovery",
        "check_provider",
        "save_provider",
        "remove_provider",
        "reveal_client_secret",
        "open_provider_console",
        "open_manage_access",
        "start_link",
        "reopen_link",
        "cancel_link",
        "link_status",
        "link_account_again",
        "account_detail",
        "check_scopes",
        "revoke_scope",
        "refresh_account",
        "revoke_account",
        "forget_account",
        "inspect_account",
        "account_http_log",
        "activity_exchanges",
        "reveal_access_token",
        "copy_access_token",
        "expire_access_token",
        "export_account_report",
        "refresh_all",
        "start_sandbox",
        "stop_sandbox",
        "sandbox_overview",
        "add_sandbox_user",
        "remove_sandbox_user",
        "add_sandbox_client",
        "remove_sandbox_client",
        "sandbox_faults",
        "add_sandbox_fault",
        "clear_sandbox_fault",
        "link_test_user",
    ]);
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(app)
            .capabilities_path_pattern("./src-tauri/capabilities/**/*"),
    )
    .expect("tauri build script");
}
