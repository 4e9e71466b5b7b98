//! What a running app costs, read from /proc (proc(5)): its process and every descendant (for a
//! Tauri window on Linux: the app, WebKit's web process and its network process), with their
//! CPU time so far and their resident (RSS) and proportional (PSS) memory.

use std::fs;

/// The sum over a process tree at one moment.
#[derive(Clone, Debug, Default)]
pub struct Usage {
    /// User and system CPU time used so far, in milliseconds.
    pub cpu_ms: f64,
    pub rss_kib: u64,
    /// Shared pages divided among the processes that share them: what the tree adds to the
    /// machine, counted once.
    pub pss_kib: u64,
    pub processes: usize,
    /// Each process's name and CPU time so far (milliseconds), to tell which one is busy.
    pub cpu_by_process: Vec<(String, f64)>,
}

/// `root` and every process descended from it.
pub fn tree(root: u32) -> Vec<u32> {
    let parents: Vec<(u32, u32)> = fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| entry.file_name().to_str()?.parse::<u32>().ok())
        .filter_map(|pid| Some((pid, stat_fields(pid)?.get(1)?.parse().ok()?)))
        .collect();
    let mut found = vec![root];
    let mut next = 0;
    while next < found.len() {
        let parent = found[next];
        found.extend(
            parents
                .iter()
                .filter(|(_, ppid)| *ppid == parent)
                .map(|(pid, _)| *pid),
        );
        next += 1;
    }
    found
}

pub fn usage(root: u32) -> Usage {
    let ticks = rustix::param::clock_ticks_per_second() as f64;
    let mut usage = Usage::default();
    for pid in tree(root) {
        let Some(fields) = stat_fields(pid) else {
            continue;
        };
        // After the command name: state is field 3 of proc(5), utime 14 and stime 15.
        let cpu: u64 = [11, 12]
            .iter()
            .filter_map(|i| fields.get(*i)?.parse::<u64>().ok())
            .sum();
        let cpu_ms = cpu as f64 * 1000.0 / ticks;
        usage.cpu_ms += cpu_ms;
        usage.cpu_by_process.push((name(pid), cpu_ms));
        let (rss, pss) = memory_kib(pid);
        usage.rss_kib += rss;
        usage.pss_kib += pss;
        usage.processes += 1;
    }
    usage
}

/// The command name in /proc/PID/stat, between its parentheses.
fn name(pid: u32) -> String {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    match (stat.find('('), stat.rfind(')')) {
        (Some(open), Some(close)) if open < close => stat[open + 1..close].to_owned(),
        _ => format!("pid {pid}"),
    }
}

/// The fields of /proc/PID/stat after the command name (which may hold spaces): state first.
fn stat_fields(pid: u32) -> Option<Vec<String>> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after_name = &stat[stat.rfind(')')? + 1..];
    Some(after_name.split_whitespace().map(str::to_owned).collect())
}

/// RSS and PSS in KiB, from /proc/PID/smaps_rollup.
fn memory_kib(pid: u32) -> (u64, u64) {
    let rollup = fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).unwrap_or_default();
    let field = |name: &str| {
        rollup
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
            .unwrap_or(0)
    };
    (field("Rss:"), field("Pss:"))
}

/// Whether `pid` is running (a zombie is not).
pub fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|stat| {
            stat.rsplit_once(") ")
                .and_then(|(_, rest)| rest.chars().next())
        })
        .is_some_and(|state| state != 'Z' && state != 'X')
}
