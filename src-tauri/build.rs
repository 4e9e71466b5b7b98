#[path = "capability_check.rs"]
mod capability_check;

/// The command names of `src-tauri/ipc_commands.rs`, the one list of them.
macro_rules! ipc_commands {
    ($($module:ident::$command:ident),* $(,)?) => { &[$(stringify!($command)),*] };
}
const COMMANDS: &[&str] = include!("ipc_commands.rs");

fn main() {
    // Only the listed commands get permissions (`allow-<command>`); the capability in
    // src-tauri/capabilities/ grants them all, and nothing else: checked here.
    println!("cargo::rerun-if-changed=src-tauri/ipc_commands.rs");
    println!("cargo::rerun-if-changed=src-tauri/capabilities/main.json");
    let capability = std::fs::read_to_string("src-tauri/capabilities/main.json")
        .expect("src-tauri/capabilities/main.json");
    let problems = capability_check::mismatches(COMMANDS, &capability);
    if !problems.is_empty() {
        panic!(
            "src-tauri/capabilities/main.json and src-tauri/ipc_commands.rs disagree:\n{}",
            problems.join("\n")
        );
    }
    let app = tauri_build::AppManifest::new().commands(COMMANDS);
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(app)
            .capabilities_path_pattern("./src-tauri/capabilities/**/*"),
    )
    .expect("tauri build script");
}
