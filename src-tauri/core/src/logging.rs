//! Where log lines go. The engine logs with `tracing`: what it did (debug), what the history
//! records (info), what went wrong (warn, error), never a secret. The command line writes
//! those lines to stderr, so that its output on stdout (`--json`) stays clean; the app writes
//! them to stderr and to a file a day in its state folder (`crate::paths::state_dir`:
//! `~/.local/state/dev.grantry.desktop/logs/grantry.YYYY-MM-DD.log`; versions before kept them
//! in the data folder, [`move_old_logs`] moves them once), the last [`KEPT_FILES`] days kept. Times are UTC. The folder is 0700 and every file in it 0600
//! whatever the umask: each day's file is made so before the appender first opens it
//! ([`PrivateDays`]), and files from before are tightened at every start.
//!
//! Every line passes through [`redact::text`] on its way out, so that a credential slipping
//! into a message (a provider's error quoting a token, say) is masked there as well. Lines on
//! stderr pass through [`redact::personal`] instead: when the desktop starts the app, its
//! stderr goes to the system journal, which outlives the state folder and may be read by more
//! than this user (the `adm` group, say), so emails and a link's `state`, `nonce`, challenge
//! and hint are masked there too. The file keeps them, as the history does.
//!
//! Which lines: `RUST_LOG` when it is set (`debug`, `warn,grantry_core=trace`: a default level
//! and levels per target), else the caller's level for Grantry's own crates and warnings from
//! the libraries beneath them.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use tracing::level_filters::LevelFilter;
use tracing_appender::rolling::{RollingFileAppender, RollingWriter, Rotation};
use tracing_subscriber::filter::Targets;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{Layer, fmt};

use crate::redact;

/// The log folder, under the state folder.
pub const LOG_DIR: &str = "logs";
/// How many daily files are kept; older ones are removed when a new day begins.
pub const KEPT_FILES: usize = 7;

/// Grantry's own crates, whose lines the caller's level selects: the core, the sandbox, the
/// app and the command line (its binary is `grantry`).
const OURS: [&str; 4] = ["grantry_core", "grantry_sandbox", "grantry_app", "grantry"];

/// Which lines are written: `RUST_LOG` (the `tracing` directive syntax, without span
/// filters), else `level` for Grantry's crates and warnings for the rest. A `RUST_LOG` that
/// does not parse is ignored, and the reason returned to be logged once logging is up.
pub fn filter(level: LevelFilter) -> (Targets, Option<String>) {
    let ours = Targets::new()
        .with_default(LevelFilter::WARN)
        .with_targets(OURS.map(|target| (target, level)));
    match std::env::var("RUST_LOG") {
        Ok(text) if !text.trim().is_empty() => match text.parse::<Targets>() {
            Ok(targets) => (targets, None),
            Err(error) => (
                ours,
                Some(format!(
                    "RUST_LOG={text:?} is not understood ({error}); logging at {level} instead"
                )),
            ),
        },
        _ => (ours, None),
    }
}

/// Logs to stderr only (the command line). Does nothing if logging was set up already.
pub fn to_stderr(level: LevelFilter) {
    let (targets, problem) = filter(level);
    let stderr = stderr_layer().with_filter(targets);
    if tracing_subscriber::registry()
        .with(stderr)
        .try_init()
        .is_ok()
        && let Some(problem) = problem
    {
        tracing::warn!("{problem}");
    }
}

/// Moves the log files earlier versions kept in `data_dir/logs` to `state_dir/logs`, once:
/// files already in the new folder stay, the old folder goes when emptied. Returns how many
/// files moved; nothing to do (no old folder, or the two folders are one) is `Ok(0)`.
pub fn move_old_logs(data_dir: &Path, state_dir: &Path) -> io::Result<usize> {
    let (old, new) = (data_dir.join(LOG_DIR), state_dir.join(LOG_DIR));
    if old == new || !old.is_dir() {
        return Ok(0);
    }
    crate::paths::private_dir(state_dir)?;
    crate::paths::private_dir(&new)?;
    let mut moved = 0;
    for entry in std::fs::read_dir(&old)? {
        let from = entry?.path();
        let Some(name) = from.file_name() else {
            continue;
        };
        let to = new.join(name);
        if !from.is_file() || to.exists() {
            continue;
        }
        // Another file system (a separate /home/…/.local/state) cannot take a rename.
        if std::fs::rename(&from, &to).is_err() {
            std::fs::copy(&from, &to)?;
            crate::paths::tighten(&to)?;
            std::fs::remove_file(&from)?;
        }
        moved += 1;
    }
    // Left when it holds something that was not moved (a file already in the new folder).
    let _ = std::fs::remove_dir(&old);
    Ok(moved)
}

/// Logs to stderr and to a file a day in `state_dir/logs` (the app). When that folder cannot
/// be made, logs to stderr only and says why there; either way logging is set up. Returns the
/// log folder when it is in use.
pub fn to_file(state_dir: &Path, level: LevelFilter) -> Option<PathBuf> {
    let (targets, problem) = filter(level);
    let dir = state_dir.join(LOG_DIR);
    let file = open_files(state_dir, &dir);
    let stderr = stderr_layer().with_filter(targets.clone());
    let (file_layer, failure) = match file {
        Ok(appender) => {
            let layer = fmt::layer()
                .with_ansi(false)
                .with_writer(Redacting {
                    writer: appender,
                    mask: redact::text,
                })
                .with_filter(targets);
            (Some(layer), None)
        }
        Err(error) => (None, Some(error)),
    };
    let started = tracing_subscriber::registry()
        .with(stderr)
        .with(file_layer)
        .try_init()
        .is_ok();
    if started {
        if let Some(problem) = problem {
            tracing::warn!("{problem}");
        }
        if let Some(error) = &failure {
            tracing::warn!("no log file: {} cannot be written: {error}", dir.display());
        }
    }
    failure.is_none().then_some(dir)
}

/// Lines on stderr, in colour only on a terminal, and not when `NO_COLOR` is set to anything
/// but nothing (https://no-color.org).
fn stderr_layer<S>() -> impl Layer<S>
where
    S: tracing::Subscriber + for<'a> LookupSpan<'a>,
{
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    stderr_layer_to(io::stderr).with_ansi(io::stderr().is_terminal() && !no_color)
}

/// The stderr layer writing to `writer` instead, for tests of what reaches stderr: each line
/// masked with [`redact::personal`].
pub fn stderr_layer_to<S, W>(
    writer: W,
) -> fmt::Layer<S, fmt::format::DefaultFields, fmt::format::Format, Redacting<W>>
where
    S: tracing::Subscriber + for<'a> LookupSpan<'a>,
    W: for<'a> MakeWriter<'a> + 'static,
{
    fmt::layer().with_ansi(false).with_writer(Redacting {
        writer,
        mask: redact::personal,
    })
}

/// The daily files in `dir`, under `state_dir`: both folders made this user's only first (the
/// log may be the first thing written to a new state folder), the files already there tightened,
/// and today's made 0600 before the appender opens it.
fn open_files(state_dir: &Path, dir: &Path) -> io::Result<PrivateDays> {
    crate::paths::private_dir(state_dir)?;
    crate::paths::private_dir(dir)?;
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_file() {
            crate::paths::tighten(&path)?;
        }
    }
    let today = time::OffsetDateTime::now_utc().date();
    crate::paths::private_file(&dir.join(day_file(today)))?;
    let files = RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .filename_prefix(FILE_PREFIX)
        .filename_suffix(FILE_SUFFIX)
        .max_log_files(KEPT_FILES)
        .build(dir)
        .map_err(io::Error::other)?;
    Ok(PrivateDays {
        files,
        dir: dir.to_owned(),
        made: Mutex::new(Some(today)),
    })
}

const FILE_PREFIX: &str = "grantry";
const FILE_SUFFIX: &str = "log";

/// The name the appender gives the file of `day` (`grantry.YYYY-MM-DD.log`).
fn day_file(day: time::Date) -> String {
    let (year, month, date) = (day.year(), u8::from(day.month()), day.day());
    format!("{FILE_PREFIX}.{year:04}-{month:02}-{date:02}.{FILE_SUFFIX}")
}

/// The daily files, each this user's only. The appender opens a new day's file with the
/// process's umask (0644 under the usual 022) and has no option for its mode, so each day's
/// file is made 0600 here before the appender's first line of that day opens it (appending to
/// what exists). Should midnight pass between this check and the appender's own, the file it
/// made is tightened at the next line.
struct PrivateDays {
    files: RollingFileAppender,
    dir: PathBuf,
    /// The last day whose file is known to be 0600.
    made: Mutex<Option<time::Date>>,
}

impl<'a> MakeWriter<'a> for PrivateDays {
    type Writer = RollingWriter<'a>;

    fn make_writer(&'a self) -> Self::Writer {
        let today = time::OffsetDateTime::now_utc().date();
        if let Ok(mut made) = self.made.lock()
            && *made != Some(today)
            && crate::paths::private_file(&self.dir.join(day_file(today))).is_ok()
        {
            *made = Some(today);
        }
        self.files.make_writer()
    }
}

/// A writer maker whose writers mask each line with `mask` ([`redact::text`] for the file,
/// [`redact::personal`] for stderr).
pub struct Redacting<M> {
    writer: M,
    mask: fn(&str) -> String,
}

impl<'a, M: MakeWriter<'a>> MakeWriter<'a> for Redacting<M> {
    type Writer = Masked<M::Writer>;

    fn make_writer(&'a self) -> Self::Writer {
        Masked {
            writer: self.writer.make_writer(),
            mask: self.mask,
        }
    }
}

/// Writes what it is given masked. The formatter hands over each event whole in one
/// `write_all`, so a credential is never split across two writes.
pub struct Masked<W> {
    writer: W,
    mask: fn(&str) -> String,
}

impl<W: Write> Write for Masked<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        self.writer.write_all((self.mask)(&text).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.writer.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_folder_and_a_new_data_folder_around_it_are_this_users_only() {
        use std::os::unix::fs::PermissionsExt;
        let scratch = tempfile::tempdir().expect("scratch");
        let data_dir = scratch.path().join("new").join("data");
        let dir = data_dir.join(LOG_DIR);
        let files = open_files(&data_dir, &dir).expect("log files");
        files.make_writer().write_all(b"a line\n").expect("written");
        for folder in [&data_dir, &dir] {
            let mode = std::fs::metadata(folder)
                .expect("made")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o700, "{}", folder.display());
        }
        let written: Vec<_> = std::fs::read_dir(&dir).expect("listed").collect();
        assert_eq!(written.len(), 1, "one file for today: {written:?}");
    }

    #[test]
    fn the_old_logs_move_once_to_the_state_folder_and_newer_ones_stay() {
        use std::os::unix::fs::PermissionsExt;
        let scratch = tempfile::tempdir().expect("scratch");
        let (data, state) = (scratch.path().join("data"), scratch.path().join("state"));
        let (old, new) = (data.join(LOG_DIR), state.join(LOG_DIR));
        std::fs::create_dir_all(&old).expect("old folder");
        std::fs::write(old.join("grantry.2026-01-01.log"), "old day\n").expect("old day");
        std::fs::write(old.join("grantry.2026-01-02.log"), "old copy\n").expect("old copy");
        std::fs::create_dir_all(&new).expect("new folder");
        std::fs::write(new.join("grantry.2026-01-02.log"), "new\n").expect("new");

        assert_eq!(move_old_logs(&data, &state).expect("moved"), 1);
        let read = |name: &str| std::fs::read_to_string(new.join(name)).expect(name);
        assert_eq!(read("grantry.2026-01-01.log"), "old day\n");
        assert_eq!(
            read("grantry.2026-01-02.log"),
            "new\n",
            "the newer file stays"
        );
        // The one not moved keeps the old folder; nothing moves twice.
        assert!(old.join("grantry.2026-01-02.log").exists());
        assert_eq!(move_old_logs(&data, &state).expect("again"), 0);
        let mode = std::fs::metadata(&new).expect("new").permissions().mode();
        assert_eq!(mode & 0o777, 0o700);

        std::fs::remove_file(old.join("grantry.2026-01-02.log")).expect("removed");
        assert_eq!(move_old_logs(&data, &state).expect("emptied"), 0);
        assert!(!old.exists(), "an emptied old folder goes");
        assert_eq!(move_old_logs(&state, &state).expect("one folder"), 0);
    }

    #[test]
    fn a_line_holding_a_credential_is_masked_on_its_way_out() {
        let mut out = Vec::new();
        let mut writer = Masked {
            writer: &mut out,
            mask: redact::text,
        };
        let line = "WARN refused: {\"error\":\"x\",\"refresh_token\":\"rt-123\"} \
                    Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.c2ln\n";
        writer.write_all(line.as_bytes()).expect("written");
        let written = String::from_utf8(out).expect("utf-8");
        assert!(!written.contains("rt-123"), "{written}");
        assert!(!written.contains("eyJzdWIiOiIxIn0"), "{written}");
        assert!(
            written.contains(redact::MASK) && written.ends_with('\n'),
            "{written}"
        );
    }
}
