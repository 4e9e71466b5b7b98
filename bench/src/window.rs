//! Launching a window and timing it: from the process's start to the line it writes once its
//! first frame with content is painted (Grantry: the Accounts list rendered from the database,
//! `ui/src/accounts/shown.ts`; the bare window: its page, `bench/bare/dist/ready.js`), then
//! what it costs while idle.

use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::procs::{self, Usage};

/// How to start one kind of window.
#[derive(Clone)]
pub struct Launch {
    pub program: PathBuf,
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
    /// Text of the stderr line that says the first frame is painted.
    pub ready: &'static str,
}

/// A window that has painted its first frame.
pub struct Running {
    child: Child,
    /// From spawning the process to its ready line.
    pub ready_after: Duration,
    /// The ready line itself.
    pub ready_line: String,
}

const READY_WITHIN: Duration = Duration::from_secs(60);

/// How long after its first paint a window's start still counts as start: the work a start
/// sets going (the first list's layout, fonts, the network process) lands within it.
pub const SETTLING: Duration = Duration::from_secs(2);

/// A painted window's cost: its start, then doing nothing.
pub struct Idle {
    /// CPU of every process from spawning to the first paint and [`SETTLING`] more.
    pub start_cpu_ms: f64,
    /// CPU of every process over the idle seconds after that.
    pub cpu_ms: f64,
    /// Memory at the end.
    pub usage: Usage,
    /// Each process's share of `cpu_ms`.
    pub shares: Vec<(String, f64)>,
}

impl Launch {
    pub fn start(&self) -> Result<Running, String> {
        let name = self.program.display().to_string();
        let started = Instant::now();
        let mut child = Command::new(&self.program)
            .args(&self.args)
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            // Its own group, so that WebKit's processes end with it.
            .process_group(0)
            .spawn()
            .map_err(|e| format!("{name} did not start: {e}"))?;
        let stderr = child.stderr.take().ok_or("no stderr")?;
        let (lines, received) = mpsc::channel();
        std::thread::spawn(move || {
            // The pipe is read to its end, so that the window never blocks on a full one.
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = lines.send((Instant::now(), line));
            }
        });
        loop {
            match received.recv_timeout(READY_WITHIN.saturating_sub(started.elapsed())) {
                Ok((at, line)) if line.contains(self.ready) => {
                    return Ok(Running {
                        child,
                        ready_after: at - started,
                        ready_line: line,
                    });
                }
                Ok(_) => {}
                Err(_) => {
                    stop(&mut child);
                    return Err(format!("{name} did not paint within {READY_WITHIN:?}"));
                }
            }
        }
    }
}

impl Running {
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// What the window costs once painted: its start's CPU (from spawning to the first paint
    /// and [`SETTLING`] more, where work the start set going lands), then the CPU of the whole
    /// tree over `seconds` of doing nothing after that, with each process's share, and its
    /// memory at the end.
    pub fn idle(&self, seconds: u64) -> Idle {
        std::thread::sleep(SETTLING);
        let before = procs::usage(self.pid());
        std::thread::sleep(Duration::from_secs(seconds));
        let after = procs::usage(self.pid());
        let shares = after
            .cpu_by_process
            .iter()
            .map(|(name, cpu)| {
                let earlier = before
                    .cpu_by_process
                    .iter()
                    .find(|(n, _)| n == name)
                    .map_or(0.0, |(_, c)| *c);
                (name.clone(), cpu - earlier)
            })
            .collect();
        Idle {
            start_cpu_ms: before.cpu_ms,
            cpu_ms: after.cpu_ms - before.cpu_ms,
            usage: after,
            shares,
        }
    }

    pub fn stop(mut self) {
        stop(&mut self.child);
    }
}

/// Ends the process group, politely first, and waits for the leader.
fn stop(child: &mut Child) {
    let Some(group) = rustix::process::Pid::from_raw(child.id() as i32) else {
        return;
    };
    let _ = rustix::process::kill_process_group(group, rustix::process::Signal::TERM);
    for _ in 0..50 {
        if matches!(child.try_wait(), Ok(Some(_))) {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = rustix::process::kill_process_group(group, rustix::process::Signal::KILL);
    let _ = child.wait();
    // WebKit's processes may outlive the leader by a moment; the next launch must not meet them.
    std::thread::sleep(Duration::from_millis(300));
}
