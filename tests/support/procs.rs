//! What the kernel says about the processes a test started, read from /proc: their children,
//! whether one still runs, and the TCP ports one listens on. With it a test lets a program
//! bind a port itself and then learns which one it got, instead of guessing a free port that
//! another program may take first.

use std::collections::HashSet;
use std::path::Path;

/// The processes whose parent is `pid` and that still run (not zombies).
pub fn children(pid: u32) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|&child| stat(child).is_some_and(|(state, parent)| parent == pid && state != 'Z'))
        .collect()
}

/// Each thread of `pid` as `name@wait-channel` (`/proc/PID/task/TID/comm` and `wchan`): what a
/// process that should have exited is waiting in.
pub fn threads(pid: u32) -> String {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return "gone".to_owned();
    };
    let read = |path: std::path::PathBuf| {
        std::fs::read_to_string(path)
            .unwrap_or_default()
            .trim()
            .to_owned()
    };
    tasks
        .filter_map(Result::ok)
        .map(|task| {
            let name = read(task.path().join("comm"));
            let wchan = read(task.path().join("wchan"));
            format!("{name}@{wchan}")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Whether `pid` runs: it exists and is not a zombie waiting for its parent.
pub fn alive(pid: u32) -> bool {
    stat(pid).is_some_and(|(state, _)| state != 'Z')
}

/// The state letter and the parent of `pid`, from `/proc/PID/stat`: `PID (NAME) STATE PPID …`,
/// where NAME may hold spaces and parentheses, so the fields are read after its last `)`.
fn stat(pid: u32) -> Option<(char, u32)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let mut fields = stat.get(stat.rfind(')')? + 1..)?.split_whitespace();
    let state = fields.next()?.chars().next()?;
    let parent = fields.next()?.parse().ok()?;
    Some((state, parent))
}

/// The IPv4 TCP ports `pid` listens on: the listening sockets of `/proc/net/tcp` whose inode is
/// one of the process's open files (`/proc/PID/fd/N` reads `socket:[INODE]`).
pub fn listening_ports(pid: u32) -> Vec<u16> {
    let Ok(fds) = std::fs::read_dir(format!("/proc/{pid}/fd")) else {
        return Vec::new();
    };
    let sockets: HashSet<String> = fds
        .filter_map(|fd| {
            let target = std::fs::read_link(fd.ok()?.path()).ok()?;
            let target = target.to_str()?;
            Some(
                target
                    .strip_prefix("socket:[")?
                    .strip_suffix(']')?
                    .to_owned(),
            )
        })
        .collect();
    let table = std::fs::read_to_string(Path::new("/proc/net/tcp")).unwrap_or_default();
    table
        .lines()
        .skip(1)
        .filter_map(|line| {
            // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode …
            let fields: Vec<&str> = line.split_whitespace().collect();
            let (local, state, inode) = (fields.get(1)?, fields.get(3)?, fields.get(9)?);
            // 0A is TCP_LISTEN.
            if *state != "0A" || !sockets.contains(*inode) {
                return None;
            }
            u16::from_str_radix(local.rsplit(':').next()?, 16).ok()
        })
        .collect()
}
