//! What Grantry holds without a window, handed back so that Grantry in the tray costs little
//! memory. Destroying the window ends its webview and web process, but two things outlive them,
//! and the second is there even when Grantry starts in the tray, since GTK's start already
//! loads the GL drivers (it probes GLX when it opens the display):
//!
//! - **WebKit's network process.** WebKit keeps it for as long as its web context lives, and
//!   Tauri keeps that context for the life of the app on Linux (so that windows made again
//!   share one network process: tauri-apps/tauri#14626). It is ended here; WebKit starts a new
//!   one when a window needs it, as it does after the process crashes.
//! - **The pages of the libraries only a window runs** (WebKit, JavaScriptCore, Mesa and LLVM,
//!   ICU, the speech synthesiser WebKit loads): still mapped and resident, so they count as
//!   Grantry's memory until the kernel is short of it. They are handed back with
//!   `MADV_PAGEOUT` (Linux 5.4 and later; elsewhere nothing happens), for read-only file
//!   mappings only: code and constants, which the kernel drops and reads again from their file
//!   when touched (the few pages the loader made private copies of, relocated constants, go
//!   where any other memory goes under pressure). What the tray itself runs is touched again
//!   within moments; the rest comes back from the page cache or the disk when the window
//!   opens.
//!
//! Both happen once the web process is gone and only while no window is open; the check and
//! the ending run on the main thread, where windows are made, so a window opened meanwhile
//! keeps its network process. Under WebDriver (`TAURI_WEBVIEW_AUTOMATION`, which tauri-driver
//! sets) the network process is kept: the automation session loses sight of every window made
//! after it ends.

use std::time::{Duration, Instant};

use tauri::{AppHandle, Manager};

use crate::main_window::LABEL;

/// How long the web process may take to end before the hand-back is given up.
const WEB_PROCESS_GRACE: Duration = Duration::from_secs(15);

/// Grantry has no window (it was destroyed, or Grantry started in the tray): once the web
/// process has ended, ends the network process and hands back the window's pages, unless a
/// window is open again by then.
pub fn no_window(app: &AppHandle) {
    let app = app.clone();
    let spawned = std::thread::Builder::new()
        .name("tray-memory".into())
        .spawn(move || {
            if !ended(WEB_PROCESS) {
                tracing::warn!("the web process outlived the window; its memory stays");
                return;
            }
            let network = if children(NETWORK_PROCESS).is_empty() {
                "none"
            } else if driven_by_webdriver() {
                "kept"
            } else {
                let main = app.clone();
                let asked = app.run_on_main_thread(move || {
                    if main.get_webview_window(LABEL).is_none() {
                        end(NETWORK_PROCESS);
                    }
                });
                if asked.is_err() || !ended(NETWORK_PROCESS) {
                    return;
                }
                "ended"
            };
            if app.get_webview_window(LABEL).is_some() {
                return;
            }
            let before = resident_kib();
            let mappings = hand_back_read_only_pages();
            tracing::info!(
                "the window's memory is handed back: network process {network}, {mappings} \
                 read-only mappings paged out, resident {} → {} MiB",
                before / 1024,
                resident_kib() / 1024
            );
        });
    if let Err(error) = spawned {
        tracing::warn!("the window's memory stays: {error}");
    }
}

/// Whether WebDriver drives the webviews: Tauri then lets WebKit's automation in.
fn driven_by_webdriver() -> bool {
    std::env::var("TAURI_WEBVIEW_AUTOMATION").as_deref() == Ok("true")
}

/// WebKit's processes, by the name the kernel gives them (`comm`, 15 bytes at most).
const WEB_PROCESS: &str = "WebKitWebProces";
const NETWORK_PROCESS: &str = "WebKitNetworkPr";

/// Whether Grantry's children named `name` have all ended, waiting for them a while.
fn ended(name: &str) -> bool {
    let started = Instant::now();
    while !children(name).is_empty() {
        if started.elapsed() > WEB_PROCESS_GRACE {
            return false;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    true
}

/// Asks Grantry's children named `name` to end (SIGTERM).
fn end(name: &str) {
    for pid in children(name) {
        if let Some(pid) = rustix::process::Pid::from_raw(pid) {
            let _ = rustix::process::kill_process(pid, rustix::process::Signal::TERM);
        }
    }
}

/// This process's children named `name` that have not ended (not zombies), from `/proc`.
fn children(name: &str) -> Vec<i32> {
    let me = std::process::id().to_string();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<i32>().ok())
        .filter(|pid| {
            // `PID (comm) STATE PPID …`; comm may hold spaces and parentheses, so the fields
            // after it are found from the last `)`.
            let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
                return false;
            };
            let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else {
                return false;
            };
            let mut rest = stat[close + 1..].split_whitespace();
            let (state, parent) = (rest.next(), rest.next());
            &stat[open + 1..close] == name && state != Some("Z") && parent == Some(me.as_str())
        })
        .collect()
}

/// Pages out every read-only file mapping of this process; returns how many were.
fn hand_back_read_only_pages() -> usize {
    let Ok(maps) = std::fs::read_to_string("/proc/self/maps") else {
        return 0;
    };
    maps.lines()
        .filter_map(read_only_file_mapping)
        .filter(|&(start, len)| page_out(start, len))
        .count()
}

/// `START-END PERMS OFFSET DEV INODE PATH` for a mapping of a file that nothing may write
/// through it (no `w`) and that is private (`p`): its start and length.
fn read_only_file_mapping(line: &str) -> Option<(usize, usize)> {
    let mut fields = line.split_whitespace();
    let (range, perms) = (fields.next()?, fields.next()?);
    let path = fields.nth(3)?;
    if !path.starts_with('/') || perms.contains('w') || !perms.ends_with('p') {
        return None;
    }
    let (start, end) = range.split_once('-')?;
    let (start, end) = (
        usize::from_str_radix(start, 16).ok()?,
        usize::from_str_radix(end, 16).ok()?,
    );
    Some((start, end.checked_sub(start)?))
}

#[allow(unsafe_code)]
fn page_out(start: usize, len: usize) -> bool {
    // SAFETY: `MADV_PAGEOUT` changes no memory's contents, only whether its pages stay
    // resident: a page reads back the same bytes when touched again (from its file, or from
    // swap for a private copy). The range is one whole mapping from /proc/self/maps; should it
    // have been unmapped since, the call fails with ENOMEM and nothing happens.
    unsafe {
        rustix::mm::madvise(
            start as *mut std::ffi::c_void,
            len,
            rustix::mm::Advice::LinuxPageOut,
        )
    }
    .is_ok()
}

/// This process's resident memory, in KiB (`VmRSS` in /proc/self/status).
fn resident_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
            line.split_whitespace().nth(1)?.parse().ok()
        })
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_read_only_private_file_mappings_are_paged_out() {
        let code = "7f0000001000-7f0000003000 r-xp 00000000 08:01 42   /usr/lib/libwebkit.so";
        assert_eq!(
            read_only_file_mapping(code),
            Some((0x7f00_0000_1000, 0x2000))
        );
        for kept in [
            "7f0000001000-7f0000003000 rw-p 00000000 08:01 42   /usr/lib/libwebkit.so",
            "7f0000001000-7f0000003000 r--s 00000000 00:05 7    /SYSV00000000",
            "7f0000001000-7f0000003000 rw-p 00000000 00:00 0    [heap]",
            "7f0000001000-7f0000003000 r--p 00000000 00:00 0    [vvar]",
            "7f0000001000-7f0000003000 rw-p 00000000 00:00 0",
        ] {
            assert_eq!(read_only_file_mapping(kept), None, "{kept}");
        }
    }

    /// This test's constants, in a read-only mapping of its own executable.
    static TEXT: &str = "the same bytes before and after";

    #[test]
    fn a_paged_out_mapping_reads_back_the_same() {
        let maps = std::fs::read_to_string("/proc/self/maps").expect("maps");
        let at = TEXT.as_ptr() as usize;
        let (start, len) = maps
            .lines()
            .filter_map(read_only_file_mapping)
            .find(|&(start, len)| (start..start + len).contains(&at))
            .expect("the constant lies in a read-only file mapping");
        let before = TEXT.to_owned();
        if !page_out(start, len) {
            // A kernel before 5.4 (or a sandbox) has no MADV_PAGEOUT: nothing to check.
            return;
        }
        assert!(hand_back_read_only_pages() > 0);
        assert_eq!(
            std::hint::black_box(TEXT),
            before,
            "read back from the file"
        );
    }

    #[test]
    fn only_this_process_s_children_of_that_name_are_found() {
        let mut child = std::process::Command::new("sleep")
            .arg("30")
            .spawn()
            .expect("sleep");
        let found = children("sleep");
        let _ = child.kill();
        let _ = child.wait();
        assert_eq!(found, [i32::try_from(child.id()).expect("pid")]);
        assert!(children(NETWORK_PROCESS).is_empty());
        assert!(ended("sleep"), "reaped, so no longer a child");
    }
}
