//! The .deb and the .rpm, as a person installs them: packaged by the Tauri CLI from the binaries
//! this test run built (`tauri bundle --debug`, the same configuration `make deb` and `make rpm`
//! use for release), unpacked into a scratch root, and used from there. Each one's desktop entry
//! must be valid, claim `x-scheme-handler/dev.grantry`, and make `xdg-open 'dev.grantry:…'`
//! start the installed binary, which takes in the link.

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use super::support::procs;
use super::support::webdriver::wait_until;
use super::{ONE_WINDOW, scratch_session, steps};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The debug build's folder (`target/debug`, or under `CARGO_TARGET_DIR`): the app's.
fn debug_dir() -> PathBuf {
    Path::new(super::APP)
        .parent()
        .expect("the app's folder")
        .to_path_buf()
}

/// The two package formats, and what each needs of its tools.
#[derive(Clone, Copy)]
enum Format {
    Deb,
    Rpm,
}

impl Format {
    /// The Tauri CLI's name for it, also its file extension and its bundle folder's name.
    fn name(self) -> &'static str {
        match self {
            Format::Deb => "deb",
            Format::Rpm => "rpm",
        }
    }

    /// The package's name and what it depends on, as its package manager reads them.
    fn fields(self, package: &str) -> String {
        match self {
            Format::Deb => run("dpkg-deb", &["--field", package, "Package", "Depends"]),
            Format::Rpm => {
                run("rpm", &["-qp", "--qf", "Package: %{NAME}\n", package])
                    + &run("rpm", &["-qp", "--requires", package])
            }
        }
    }

    /// Unpacks `package` under `root`, as its package manager would install it.
    fn unpack(self, package: &str, root: &Path) {
        match self {
            Format::Deb => {
                run("dpkg-deb", &["-x", package, &root.to_string_lossy()]);
            }
            Format::Rpm => {
                std::fs::create_dir_all(root).expect("the scratch root");
                let script =
                    format!("rpm2cpio '{package}' | cpio --quiet -idm --no-absolute-filenames");
                let status = Command::new("sh")
                    .args(["-c", &script])
                    .current_dir(root)
                    .status()
                    .expect("run rpm2cpio and cpio");
                assert!(status.success(), "{script}");
            }
        }
    }
}

/// Packages the debug build as `format`; returns the package's path.
fn bundle(format: Format) -> PathBuf {
    // The package ships `grantry` too; for this build, the debug one.
    let cli = debug_dir().join("grantry");
    assert!(
        cli.exists(),
        "{} is missing: `cargo build -p grantry-cli` (make test builds it)",
        cli.display()
    );
    // Its man pages and completions too, made from it by the rule `make release` uses.
    let share = debug_dir().join("share");
    let made = Command::new("make")
        .arg("--no-print-directory")
        .arg("cli-share")
        .arg(format!("GRANTRY={}", cli.display()))
        .arg(format!("CLI_SHARE={}", share.display()))
        .current_dir(ROOT)
        .output()
        .expect("run make cli-share");
    assert!(
        made.status.success(),
        "make cli-share failed:\n{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let completions = share.join("completions");
    let config = serde_json::json!({
        "bundle": {"linux": {format.name(): {"files": {
            "/usr/bin/grantry": cli,
            "/usr/share/man/man1": share.join("man1"),
            "/usr/share/bash-completion/completions/grantry": completions.join("grantry"),
            "/usr/share/zsh/vendor-completions/_grantry": completions.join("_grantry"),
            "/usr/share/fish/vendor_completions.d/grantry.fish": completions.join("grantry.fish"),
        }}}}
    });
    let output = Command::new(Path::new(ROOT).join("ui/node_modules/.bin/tauri"))
        .args([
            "bundle",
            "--debug",
            "--bundles",
            format.name(),
            "--ci",
            "--config",
        ])
        .arg(config.to_string())
        .current_dir(ROOT)
        .output()
        .expect("run the Tauri CLI");
    assert!(
        output.status.success(),
        "tauri bundle failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let folder = debug_dir().join("bundle").join(format.name());
    let mut packages: Vec<PathBuf> = std::fs::read_dir(&folder)
        .expect("the bundle folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == format.name()))
        .collect();
    packages.sort_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok());
    packages.pop().expect("a package")
}

fn run(program: &str, args: &[&str]) -> String {
    let output = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("run {program}: {e}"));
    assert!(
        output.status.success(),
        "{program} {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
#[ignore = "needs Xvfb and a throwaway session: run through `make test`"]
fn the_deb_installs_a_desktop_entry_that_hands_dev_grantry_links_to_its_binary() {
    installs_a_desktop_entry_that_hands_dev_grantry_links_to_its_binary(Format::Deb);
}

#[test]
#[ignore = "needs Xvfb and a throwaway session: run through `make test`"]
fn the_rpm_installs_a_desktop_entry_that_hands_dev_grantry_links_to_its_binary() {
    installs_a_desktop_entry_that_hands_dev_grantry_links_to_its_binary(Format::Rpm);
}

fn installs_a_desktop_entry_that_hands_dev_grantry_links_to_its_binary(format: Format) {
    let _one = ONE_WINDOW.lock().unwrap_or_else(|p| p.into_inner());
    let session = scratch_session();
    let package = bundle(format);
    let package_text = package.to_string_lossy().into_owned();

    // What the package manager would install and depend on.
    let fields = format.fields(&package_text);
    assert!(fields.contains("Package: grantry"), "{fields}");
    assert!(fields.contains("webkit2gtk-4.1"), "{fields}");
    let scratch = tempfile::tempdir().expect("scratch");
    let root = scratch.path().join("root");
    format.unpack(&package_text, &root);
    let binary = root.join("usr/bin/grantry-app");
    assert!(binary.exists(), "no /usr/bin/grantry-app in the package");
    assert!(root.join("usr/bin/grantry").exists(), "no /usr/bin/grantry");
    // `grantry`'s man pages (gzipped) and completions, where man and each shell look.
    for file in [
        "usr/share/man/man1/grantry.1.gz",
        "usr/share/man/man1/grantry-link.1.gz",
        "usr/share/bash-completion/completions/grantry",
        "usr/share/zsh/vendor-completions/_grantry",
        "usr/share/fish/vendor_completions.d/grantry.fish",
    ] {
        let size = std::fs::metadata(root.join(file)).map_or(0, |m| m.len());
        assert!(size > 0, "no /{file} in the package, or it is empty");
    }

    // The desktop entry: valid, and the handler of dev.grantry: links.
    let applications = root.join("usr/share/applications");
    let entry_path = std::fs::read_dir(&applications)
        .expect("usr/share/applications")
        .map(|e| e.expect("entry").path())
        .find(|p| p.extension().is_some_and(|e| e == "desktop"))
        .expect("a .desktop file");
    let entry = std::fs::read_to_string(&entry_path).expect("read the entry");
    run("desktop-file-validate", &[&entry_path.to_string_lossy()]);
    let line = |key: &str| {
        entry
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{key}=")))
            .unwrap_or_else(|| panic!("no {key}= in\n{entry}"))
            .to_owned()
    };
    assert!(
        line("MimeType")
            .split(';')
            .any(|m| m == "x-scheme-handler/dev.grantry"),
        "{entry}"
    );
    assert_eq!(line("Exec").split_whitespace().next(), Some("grantry-app"));
    assert!(
        line("Exec").contains("%u"),
        "the link must reach the app: {entry}"
    );

    // As dpkg's trigger does after installing it, and as a desktop without a default of its
    // own finds handlers: through the cache of the system's applications folder.
    run(
        "update-desktop-database",
        &[&applications.to_string_lossy()],
    );
    let data = scratch.path().join("grantry-data");
    let path = format!(
        "{}:{}",
        root.join("usr/bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let opener = Command::new("xdg-open")
        .arg("dev.grantry:/hello-from-the-package")
        .env("PATH", path)
        .env("XDG_DATA_DIRS", root.join("usr/share"))
        // A user with no handler of their own: the system's is the one.
        .env("XDG_DATA_HOME", scratch.path().join("home-data"))
        .env("XDG_CONFIG_HOME", scratch.path().join("home-config"))
        .env_remove("XDG_CURRENT_DESKTOP")
        .env_remove("BROWSER")
        .env("GRANTRY_DATA_DIR", &data)
        .env("GRANTRY_CONFIG_DIR", scratch.path().join("grantry-config"))
        .env("GRANTRY_SANDBOX_PORT", "0")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .expect("run xdg-open");
    let opened = Group(opener);

    // The installed binary runs, and takes the link in (its history and log say so).
    let installed = std::fs::canonicalize(&binary).expect("the installed binary");
    let mut app = None;
    wait_until(
        &format!(
            "xdg-open to start {} ({})",
            installed.display(),
            session.display()
        ),
        Duration::from_secs(60),
        || {
            app = running(&installed);
            app.is_some()
        },
    );
    wait_until(
        "the installed app to take the link in",
        Duration::from_secs(60),
        || data.join("logs").exists() && steps::app_log(&data).contains("hello-from-the-package"),
    );
    drop(opened);
    let app = app.expect("the app's process");
    wait_until("the app to end", Duration::from_secs(10), || {
        !procs::alive(app)
    });
}

/// xdg-open and what it started (it runs the app in the foreground, in its process group),
/// ended together when dropped, also when the test fails.
struct Group(std::process::Child);

impl Drop for Group {
    fn drop(&mut self) {
        if let Some(group) = rustix::process::Pid::from_raw(self.0.id() as i32) {
            let _ = rustix::process::kill_process_group(group, rustix::process::Signal::TERM);
        }
        let _ = self.0.wait();
    }
}

/// A running process whose executable is `binary`.
fn running(binary: &Path) -> Option<u32> {
    std::fs::read_dir("/proc")
        .ok()?
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .find(|pid| std::fs::read_link(format!("/proc/{pid}/exe")).is_ok_and(|exe| exe == binary))
}
