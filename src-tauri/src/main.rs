// Keeps a console window from opening next to the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    // First, while this is the only thread and before anything starts GTK or WebKit.
    #[cfg(target_os = "linux")]
    cpu_painting_without_gpu();
    grantry_app::run();
}

/// The variable that makes WebKitGTK's web process paint with Skia on the CPU.
#[cfg(target_os = "linux")]
const CPU_PAINTING: &str = "WEBKIT_SKIA_ENABLE_CPU_RENDERING";

/// On a machine without a GPU (no DRM render node: a virtual machine, Xvfb), WebKitGTK still
/// paints the page with Skia through OpenGL, which is Mesa's software rasterizer there: slower
/// and costlier than painting on the CPU outright. Measured with the debug build under Xvfb on
/// 2 shared cores (medians of 6 alternated starts, empty Accounts list), the start to the first
/// paint of the Accounts list went from 884 to 720 ms with `WEBKIT_SKIA_ENABLE_CPU_RENDERING=1`,
/// and the CPU of every process from spawn to first paint + 2 s from 755 to 630 ms (the web
/// process's from 415 to 305 ms); idle CPU afterwards was the same (30–40 ms over 30 s).
///
/// Not `WEBKIT_DISABLE_DMABUF_RENDERER=1` (726 ms, 575 ms), nor
/// `WEBKIT_DISABLE_COMPOSITING_MODE=1`: both leave WebKit without accelerated compositing, and
/// then WebKitWebDriver's screenshots never return on a page that does not change (a screenshot
/// waits for the next frame the web process presents, and a still page presents none), which
/// hangs the window tests' sessions. With CPU painting the page is still composited, and
/// screenshots return in about 40 ms.
///
/// Left alone when a render node exists (a GPU paints faster) or when the variable is set
/// already: `WEBKIT_SKIA_ENABLE_CPU_RENDERING=0` keeps WebKit's own choice.
#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
fn cpu_painting_without_gpu() {
    if std::env::var_os(CPU_PAINTING).is_some() || has_render_node() {
        return;
    }
    // SAFETY: called first thing in `main`, when no other thread exists that could read or
    // write the environment at the same time; WebKit's processes inherit it from here.
    unsafe { std::env::set_var(CPU_PAINTING, "1") };
}

/// Whether a DRM render node (`/dev/dri/renderD*`) exists. Only a missing /dev/dri counts as
/// none: a folder that cannot be read may still hold one, and then WebKit is left to decide.
#[cfg(target_os = "linux")]
fn has_render_node() -> bool {
    match std::fs::read_dir("/dev/dri") {
        Ok(entries) => entries
            .flatten()
            .any(|entry| entry.file_name().to_string_lossy().starts_with("renderD")),
        Err(error) => error.kind() != std::io::ErrorKind::NotFound,
    }
}
