//! `make bench` (scripts/bench builds and runs this inside `scripts/test-session`): Grantry's
//! speed and memory, each as a ratio against a floor measured in the same run on the same
//! machine, because machines are shared and noisy. Writes `report.md` and `report.json` to the
//! output folder and prints the table.
//!
//! ```text
//! grantry-bench --app target/release/grantry-app --bare target/release/grantry-bench-bare \
//!     [--deb FILE] [--out target/bench] [--launches 10] [--idle-seconds 60] \
//!     [--refresh-accounts 500] [--list-accounts 1000] [--link-runs 20]
//! ```

mod engine;
mod procs;
mod report;
mod stats;
mod tray;
mod window;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use grantry_sandbox::{Personality, Sandbox, SandboxConfig};

use report::Report;
use stats::{Stats, ms};
use window::{Idle, Launch, SETTLING};

/// How many times each window is started and left idle: the start's CPU is their median, and
/// the idle figures are those of the run with the median idle CPU.
const IDLE_RUNS: usize = 3;

struct Args {
    app: PathBuf,
    bare: PathBuf,
    deb: Option<PathBuf>,
    out: PathBuf,
    launches: usize,
    idle_seconds: u64,
    refresh_accounts: usize,
    list_accounts: usize,
    link_runs: usize,
}

fn args() -> Result<Args, String> {
    let mut named: HashMap<String, String> = HashMap::new();
    let mut raw = std::env::args().skip(1);
    while let Some(name) = raw.next() {
        let value = raw.next().ok_or(format!("{name} needs a value"))?;
        named.insert(name.trim_start_matches("--").to_owned(), value);
    }
    let path = |name: &str| named.get(name).map(PathBuf::from);
    let number = |name: &str, default: usize| -> Result<usize, String> {
        named.get(name).map_or(Ok(default), |v| {
            v.parse()
                .map_err(|_| format!("--{name} {v:?} is not a number"))
        })
    };
    let args = Args {
        app: path("app").ok_or("--app PATH (Grantry's release binary) is required")?,
        bare: path("bare").ok_or("--bare PATH (the bare window's binary) is required")?,
        deb: path("deb"),
        out: path("out").unwrap_or_else(|| PathBuf::from("target/bench")),
        launches: number("launches", 10)?.max(1),
        idle_seconds: number("idle-seconds", 60)? as u64,
        refresh_accounts: number("refresh-accounts", 500)?.max(1),
        list_accounts: number("list-accounts", 1000)?.max(1),
        link_runs: number("link-runs", 20)?.max(1),
    };
    if let Some(unknown) = named.keys().find(|k| {
        ![
            "app",
            "bare",
            "deb",
            "out",
            "launches",
            "idle-seconds",
            "refresh-accounts",
            "list-accounts",
            "link-runs",
        ]
        .contains(&k.as_str())
    }) {
        return Err(format!("unknown option --{unknown}"));
    }
    Ok(args)
}

fn main() {
    let args = match args() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("grantry-bench: {message}");
            std::process::exit(2);
        }
    };
    assert_eq!(
        std::env::var("GRANTRY_TEST_SESSION").as_deref(),
        Ok("1"),
        "run inside scripts/test-session (make bench does), never on your own keyring"
    );
    grantry_core::use_ring_for_tls();
    let scratch = tempfile::tempdir().expect("scratch folder");
    let mut report = Report {
        machine: machine(),
        ..Report::default()
    };

    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let (many, few) = (scratch.path().join("many"), scratch.path().join("few"));
    runtime.block_on(engine_part(&args, &many, &few, &mut report));

    window_part(&args, &many, &few, &mut report);
    sizes(&args, &mut report);

    std::fs::create_dir_all(&args.out).expect("output folder");
    let markdown = report.markdown();
    std::fs::write(args.out.join("report.md"), &markdown).expect("write report.md");
    let json = serde_json::to_string_pretty(&report).expect("JSON");
    std::fs::write(args.out.join("report.json"), json).expect("write report.json");
    println!("{markdown}");
    println!(
        "Written to {} and report.json beside it.",
        args.out.join("report.md").display()
    );
}

/// Link, Refresh all and listing in the engine; leaves `many` with `list_accounts` accounts
/// and `few` with ten, for the window part.
async fn engine_part(args: &Args, many: &Path, few: &Path, report: &mut Report) {
    // No preset users: the bench's own take every one of the sandbox's 1,000 places.
    let mut config = SandboxConfig::new(Personality::Generic);
    config.users.clear();
    let sandbox = Sandbox::start(config).await.expect("sandbox");
    let (grantry, keyring) = engine::open(many, &sandbox);

    eprintln!("bench: {} links, timed", args.link_runs);
    let mut overhead = Vec::new();
    let mut totals = Vec::new();
    for n in 1..=args.link_runs {
        let time = engine::link(&grantry, &format!("timed{n}")).await;
        totals.push(time.total.as_secs_f64() * 1000.0);
        overhead.push(time.total.saturating_sub(time.provider).as_secs_f64() * 1000.0);
    }
    let overhead = Stats::of(overhead);
    let totals = Stats::of(totals);
    report.row(
        "Link: callback to account listed, beyond the provider's round trips",
        overhead.text(),
        format!("whole link step {}", totals.text()),
        None,
        "< 10 ms",
        Some(overhead.median < 10.0),
    );
    report.detail("link_overhead_ms", &overhead);
    report.detail("link_total_ms", &totals);

    let accounts = args.refresh_accounts.max(args.link_runs);
    eprintln!("bench: linking up to {accounts} accounts");
    engine::link_many(&grantry, "refresh", accounts - args.link_runs).await;
    eprintln!("bench: {accounts} plain code flows for the floor's refresh tokens");
    let mut tokens = Vec::new();
    // The same test users (the sandbox holds at most 1,000), each with a grant of its own.
    for n in 1..=accounts {
        let user = if n <= args.link_runs {
            format!("timed{n}")
        } else {
            format!("refresh{}", n - args.link_runs)
        };
        tokens.push(engine::plain_refresh_token(&sandbox, &user).await);
    }
    let (mut ours, mut floor) = (Vec::new(), Vec::new());
    let calls_before = keyring.calls();
    for round in 1..=3 {
        eprintln!("bench: Refresh all of {accounts}, round {round} of 3");
        let (took, refreshed) = engine::refresh_all(&grantry).await;
        assert_eq!(refreshed, accounts, "every account refreshed");
        ours.push(took.as_secs_f64() * 1000.0);
        let (took, rotated) = engine::plain_refreshes(&sandbox, tokens).await;
        tokens = rotated;
        floor.push(took.as_secs_f64() * 1000.0);
    }
    // A read and a write per account is the least a refresh that keeps its tokens can do.
    let calls_each = (keyring.calls() - calls_before) as f64 / (3 * accounts).max(1) as f64;
    let (ours, floor) = (Stats::of(ours), Stats::of(floor));
    let ratio = ours.median / floor.median;
    report.row(
        &format!(
            "Refresh all, {accounts} accounts, {} at a time",
            engine::REFRESH_CONCURRENCY
        ),
        format!(
            "{} · {calls_each:.1} keyring calls per account",
            ours.text()
        ),
        format!("{accounts} plain refresh POSTs {}", floor.text()),
        Some(ratio),
        "< 2 s and ≤ 1.5x",
        Some(ours.median < 2000.0 && ratio <= 1.5),
    );
    report.detail("refresh_all_ms", &ours);
    report.detail("refresh_all_keyring_calls_per_account", calls_each);
    report.detail("refresh_all_floor_ms", &floor);

    // Reading the refresh token and writing what comes back are part of any refresh that keeps
    // its rotated tokens: a second floor adds them to the plain POSTs.
    eprintln!("bench: the accounts' keyring items read and written back, alone");
    let (keyring_ms, items) =
        tokio::task::block_in_place(|| engine::keyring_reads_and_writes(&keyring));
    let keyring_ms = keyring_ms.as_secs_f64() * 1000.0;
    report.row(
        "Refresh all against the plain POSTs plus the keyring's own reads and writes",
        ours.text(),
        format!(
            "{} ms POSTs + {} ms for {items} keyring reads and writes ({:.1} ms an account: \
             its item read and written back as it is, one at a time)",
            ms(floor.median),
            ms(keyring_ms),
            keyring_ms / items.max(1) as f64
        ),
        Some(ours.median / (floor.median + keyring_ms)),
        "",
        None,
    );
    report.detail("keyring_reads_and_writes_ms", keyring_ms);

    let listed = args.list_accounts.max(accounts);
    eprintln!("bench: linking up to {listed} accounts");
    engine::link_many(&grantry, "list", listed - accounts).await;
    let calls_before = keyring.calls();
    let mut lists = Vec::new();
    for _ in 0..20 {
        let clock = std::time::Instant::now();
        let shown = grantry.accounts().expect("accounts").len();
        lists.push(clock.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(shown, listed);
    }
    let keyring_calls = keyring.calls() - calls_before;
    let lists = Stats::of(lists);
    report.row(
        &format!("List {listed} accounts in the engine"),
        format!("{} · {keyring_calls} keyring calls", lists.text()),
        String::new(),
        None,
        "no keyring call",
        Some(keyring_calls == 0),
    );
    report.detail("list_engine_ms", &lists);

    // Ten accounts, for the window's start: users linked already, in another data folder.
    let (small, _) = engine::open(few, &sandbox);
    engine::link_many(&small, "timed", 10.min(args.link_runs)).await;
    drop((small, grantry));
    sandbox.stop().await;
}

fn window_part(args: &Args, many: &Path, few: &Path, report: &mut Report) {
    let grantry_on = |data: &Path| Launch {
        program: args.app.clone(),
        args: Vec::new(),
        env: vec![
            ("GRANTRY_DATA_DIR".into(), path_text(&data.join("data"))),
            ("GRANTRY_CONFIG_DIR".into(), path_text(&data.join("config"))),
            ("GRANTRY_SANDBOX_PORT".into(), free_port().to_string()),
        ],
        ready: "the Accounts list is on screen",
    };
    let grantry = grantry_on(few);
    let bare = Launch {
        program: args.bare.clone(),
        args: Vec::new(),
        env: Vec::new(),
        ready: "bench: first paint",
    };

    eprintln!(
        "bench: {} launches of each window, after one each to warm the caches",
        args.launches
    );
    for launch in [&grantry, &bare] {
        launch.start().expect("warm-up launch").stop();
    }
    let (mut ours, mut floor) = (Vec::new(), Vec::new());
    for _ in 0..args.launches {
        // Alternated, so that a noisy moment falls on both.
        let running = grantry.start().expect("Grantry's window");
        ours.push(running.ready_after.as_secs_f64() * 1000.0);
        running.stop();
        let running = bare.start().expect("the bare window");
        floor.push(running.ready_after.as_secs_f64() * 1000.0);
        running.stop();
    }
    let (ours, floor) = (Stats::of(ours), Stats::of(floor));
    let ratio = ours.median / floor.median;
    report.row(
        "Start to first paint (Grantry: its Accounts list, 10 accounts)",
        ours.text(),
        format!("bare window {}", floor.text()),
        Some(ratio),
        "≤ 1.1x",
        Some(ratio <= 1.1),
    );
    report.detail("start_ms", &ours);
    report.detail("start_floor_ms", &floor);

    eprintln!(
        "bench: each window's start, then {} s idle ({} times)",
        args.idle_seconds, IDLE_RUNS
    );
    let idle = |launch: &Launch| {
        let running = launch.start().expect("window");
        let measured = running.idle(args.idle_seconds);
        running.stop();
        measured
    };
    let (mut ours, mut floor) = (Vec::new(), Vec::new());
    for _ in 0..IDLE_RUNS {
        // Alternated, so that a noisy moment falls on both.
        ours.push(idle(&grantry));
        floor.push(idle(&bare));
    }
    let starts = |runs: &[Idle]| Stats::of(runs.iter().map(|r| r.start_cpu_ms).collect());
    let (our_start, floor_start) = (starts(&ours), starts(&floor));
    let ratio = our_start.median / floor_start.median.max(1.0);
    report.row(
        &format!(
            "Start CPU, every process: spawn to first paint + {} s",
            SETTLING.as_secs()
        ),
        our_start.text(),
        format!("bare window {}", floor_start.text()),
        Some(ratio),
        "≤ 1.1x",
        Some(ratio <= 1.1),
    );
    report.detail("start_cpu_ms", &our_start);
    report.detail("start_cpu_floor_ms", &floor_start);
    // The run whose idle CPU is the median of each, and its processes' shares.
    let median_run = |runs: Vec<Idle>| {
        let mut runs = runs;
        runs.sort_by(|a, b| a.cpu_ms.total_cmp(&b.cpu_ms));
        runs.swap_remove(runs.len() / 2)
    };
    let (ours, floor) = (median_run(ours), median_run(floor));
    let (our_cpu, our_use, our_shares) = (ours.cpu_ms, ours.usage, ours.shares);
    let (floor_cpu, floor_use, floor_shares) = (floor.cpu_ms, floor.usage, floor.shares);
    report.row(
        &format!(
            "Steady idle CPU over the next {} s (median of {IDLE_RUNS})",
            args.idle_seconds
        ),
        format!("{} ms ({})", ms(our_cpu), busiest(&our_shares)),
        format!(
            "bare window {} ms ({})",
            ms(floor_cpu),
            busiest(&floor_shares)
        ),
        None,
        "none beyond the floor's",
        Some(our_cpu <= floor_cpu + 10.0),
    );
    let mib = |kib: u64| kib as f64 / 1024.0;
    let ratio = our_use.pss_kib as f64 / floor_use.pss_kib.max(1) as f64;
    report.row(
        "Idle memory, every process (PSS)",
        format!(
            "{:.0} MiB in {} (RSS {:.0} MiB)",
            mib(our_use.pss_kib),
            processes(our_use.processes),
            mib(our_use.rss_kib)
        ),
        format!(
            "bare window {:.0} MiB in {} (RSS {:.0} MiB)",
            mib(floor_use.pss_kib),
            processes(floor_use.processes),
            mib(floor_use.rss_kib)
        ),
        Some(ratio),
        "≤ 1.1x",
        Some(ratio <= 1.1),
    );
    report.detail(
        "idle",
        serde_json::json!({
            "seconds": args.idle_seconds,
            "grantry": {
                "cpu_ms": our_cpu, "cpu_ms_by_process": our_shares, "pss_kib": our_use.pss_kib,
                "rss_kib": our_use.rss_kib, "processes": our_use.processes,
            },
            "bare": {
                "cpu_ms": floor_cpu, "cpu_ms_by_process": floor_shares,
                "pss_kib": floor_use.pss_kib, "rss_kib": floor_use.rss_kib,
                "processes": floor_use.processes,
            },
        }),
    );

    tray_part(args, &grantry, our_use.pss_kib, floor_use.pss_kib, report);

    eprintln!("bench: the window on {} accounts", args.list_accounts);
    let crowded = grantry_on(many);
    let (mut fetch, mut render, mut starts) = (Vec::new(), Vec::new(), Vec::new());
    let mut accounts = 0.0;
    for _ in 0..3 {
        let running = crowded.start().expect("Grantry's window");
        let fields = fields(&running.ready_line);
        accounts = fields.get("accounts").copied().unwrap_or(0.0);
        fetch.push(fields.get("ipc_ms").copied().unwrap_or(f64::NAN));
        render.push(fields.get("render_ms").copied().unwrap_or(f64::NAN));
        starts.push(running.ready_after.as_secs_f64() * 1000.0);
        running.stop();
    }
    let (fetch, render, starts) = (Stats::of(fetch), Stats::of(render), Stats::of(starts));
    report.row(
        &format!("List {accounts} accounts in the window: over IPC, then rendered"),
        format!(
            "{} ms + {} ms (start to first paint {})",
            ms(fetch.median),
            ms(render.median),
            starts.text()
        ),
        String::new(),
        None,
        "< 100 ms",
        Some(fetch.median + render.median < 100.0),
    );
    report.detail("list_window_ipc_ms", &fetch);
    report.detail("list_window_render_ms", &render);
    report.detail("list_window_start_ms", &starts);
}

/// Grantry in the tray: its window closed (webview freed), and started there (`--in-tray`),
/// each idle for as long as the open window was; against the open window's PSS (`open_kib`)
/// and the bare window's (`bare_kib`) measured just before.
fn tray_part(args: &Args, grantry: &Launch, open_kib: u64, bare_kib: u64, report: &mut Report) {
    eprintln!(
        "bench: {} s idle in the tray, window closed, then started there",
        args.idle_seconds
    );
    let measured = tray::Tray::start().and_then(|_tray| {
        let running = grantry.start()?;
        let closed = tray::closed(&running, args.idle_seconds);
        running.stop();
        let started = tray::started_in_tray(&tray::in_tray(grantry), args.idle_seconds)?;
        Ok((closed?, started))
    });
    let (closed, started) = match measured {
        Ok(measured) => measured,
        Err(error) => {
            eprintln!("bench: the tray could not be measured: {error}");
            report.row(
                "Memory in the tray (PSS)",
                error,
                String::new(),
                None,
                "≤ 25% of the open window",
                Some(false),
            );
            return;
        }
    };
    let mib = |kib: u64| kib as f64 / 1024.0;
    for (what, usage) in [
        ("window closed", &closed),
        ("started in the tray", &started),
    ] {
        let ratio = usage.pss_kib as f64 / open_kib.max(1) as f64;
        report.row(
            &format!("Memory in the tray, {what} (PSS, every process)"),
            format!(
                "{:.0} MiB in {}, RSS {:.0} MiB ({:.0}% of the open window's {:.0} MiB)",
                mib(usage.pss_kib),
                processes(usage.processes),
                mib(usage.rss_kib),
                ratio * 100.0,
                mib(open_kib)
            ),
            format!(
                "bare window {:.0} MiB ({:.2}x)",
                mib(bare_kib),
                usage.pss_kib as f64 / bare_kib.max(1) as f64
            ),
            Some(ratio),
            "≤ 0.25x the open window",
            Some(ratio <= 0.25),
        );
    }
    report.detail(
        "tray",
        serde_json::json!({
            "open_pss_kib": open_kib,
            "closed": {"pss_kib": closed.pss_kib, "rss_kib": closed.rss_kib, "processes": closed.processes},
            "started_in_tray": {"pss_kib": started.pss_kib, "rss_kib": started.rss_kib, "processes": started.processes},
        }),
    );
}

fn sizes(args: &Args, report: &mut Report) {
    let size = |path: &Path| std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let mb = |bytes: u64| bytes as f64 / 1_000_000.0;
    let (ours, floor) = (size(&args.app), size(&args.bare));
    let ratio = ours as f64 / floor.max(1) as f64;
    report.row(
        "Release binary",
        format!("{:.1} MB", mb(ours)),
        format!("bare window {:.1} MB", mb(floor)),
        Some(ratio),
        "≤ 2x",
        Some(ratio <= 2.0),
    );
    if let Some(deb) = &args.deb {
        report.row(
            "The .deb package",
            format!("{:.1} MB", mb(size(deb))),
            String::new(),
            None,
            "",
            None,
        );
    }
    report.detail(
        "bytes",
        serde_json::json!({"app": ours, "bare": floor, "deb": args.deb.as_deref().map(size)}),
    );
}

/// "WebKitWebProces 120 ms, grantry-app 10 ms": the processes that used CPU, busiest first.
fn busiest(shares: &[(String, f64)]) -> String {
    let mut busy: Vec<&(String, f64)> = shares.iter().filter(|(_, cpu)| *cpu > 0.0).collect();
    busy.sort_by(|a, b| b.1.total_cmp(&a.1));
    if busy.is_empty() {
        return "none".to_owned();
    }
    busy.iter()
        .map(|(name, cpu)| format!("{name} {} ms", ms(*cpu)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The `key=value` fields of a log line that are numbers.
fn fields(line: &str) -> HashMap<String, f64> {
    line.split_whitespace()
        .filter_map(|word| {
            let (key, value) = word.split_once('=')?;
            Some((key.to_owned(), value.parse().ok()?))
        })
        .collect()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn path_text(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

/// The machine in one line: processor, cores, kernel.
fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find_map(|l| l.strip_prefix("model name"))
                .map(|l| l.trim_start_matches([' ', '\t', ':']).to_owned())
        })
        .unwrap_or_else(|| "unknown processor".to_owned());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    format!(
        "Measured on {cpu}, {cores} cores, Linux {}, under Xvfb; medians with (min–max, n).",
        kernel.trim()
    )
}

/// "1 process", "3 processes".
fn processes(count: usize) -> String {
    if count == 1 {
        "1 process".to_owned()
    } else {
        format!("{count} processes")
    }
}
