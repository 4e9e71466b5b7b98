//! The floor Grantry's window is measured against (`bench/src/window.rs`): a Tauri window of
//! the same size with a page of text, and nothing else. Its page calls `ready` once its first
//! frame is painted, as Grantry's Accounts screen does once the list is on screen, and `ready`
//! writes the line the benchmark waits for.

#[tauri::command]
fn ready() {
    eprintln!("bench: first paint");
}

fn main() {
    if let Err(error) = tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![ready])
        .run(tauri::generate_context!())
    {
        eprintln!("the bare window could not run: {error}");
        std::process::exit(1);
    }
}
