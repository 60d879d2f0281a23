//! Helpers of the robustness tests: run the real binaries with a time limit and without
//! `RUST_BACKTRACE`, check that a failure is one clear message (no panic, no backtrace) with the
//! right exit code, and record what was observed for `docs/ROBUSTNESS.md`.

#![allow(dead_code)] // each test file uses a different subset

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Frames of `shared/testdata/videos/input1.mp4`, the original's sample clip. The same value as
/// `tests/support`'s: this module cannot include that one, as the xtask crate's robustness test
/// builds it without OpenCV.
pub const INPUT1_FRAMES: usize = 70;

/// Exit code of a successful run.
pub const EXIT_OK: i32 = 0;
/// Exit code of a failure while running.
pub const EXIT_RUNTIME: i32 = 1;
/// Exit code of a usage or config error.
pub const EXIT_USAGE: i32 = 2;

/// Time limit of one run of a binary that should stop at once (bad config, bad model).
pub const QUICK_LIMIT: Duration = Duration::from_secs(60);
/// Time limit of one run that processes a few frames (debug build, 2 shared cores).
pub const PROCESS_LIMIT: Duration = Duration::from_secs(120);

/// Environment variable naming a folder where every test writes the row it observed; the
/// script `scripts/robustness_table.sh` assembles them into `docs/ROBUSTNESS.md`.
pub const TABLE_ENV: &str = "AGENDER_ROBUSTNESS_TABLE";

/// What a finished run left behind.
#[derive(Debug)]
pub struct Outcome {
    /// Exit code (`None` when killed by a signal).
    pub code: Option<i32>,
    /// Standard output.
    pub stdout: String,
    /// Standard error with terminal colour codes removed.
    pub stderr: String,
    /// Standard error as written.
    pub raw_stderr: String,
}

impl Outcome {
    /// This outcome's exit code and stderr with the temporary folder `dir` shown as `<tmp>`, for
    /// the table in `docs/ROBUSTNESS.md`.
    pub fn with_tmp(&self, dir: &Path) -> Outcome {
        Outcome {
            code: self.code,
            stdout: String::new(),
            stderr: self.stderr.replace(s(dir), "<tmp>"),
            raw_stderr: String::new(),
        }
    }

    /// The main message: the last `ERROR` log line (the error chain), else the last `WARN` line,
    /// else the last line of stderr, without timestamp and target.
    pub fn message(&self) -> String {
        let lines: Vec<&str> = self.stderr.lines().collect();
        let pick = |level: &str| {
            let start = lines.iter().rposition(|line| line.contains(level))?;
            let mut parts = vec![strip_log_prefix(lines[start], level)];
            // Continuation lines of a multi-line message (a TOML error's snippet), up to the
            // next log line.
            parts.extend(
                lines[start + 1..]
                    .iter()
                    .take_while(|line| !is_log_line(line))
                    .map(|line| line.trim().to_owned())
                    .filter(|line| !line.is_empty() && line != "|"),
            );
            Some(parts.join(" "))
        };
        pick(" ERROR ")
            .or_else(|| pick(" WARN "))
            .or_else(|| {
                lines
                    .iter()
                    .rev()
                    .find(|l| !l.trim().is_empty())
                    .map(|l| l.trim().to_owned())
            })
            .unwrap_or_default()
    }

    /// The whole stderr, for assertion messages.
    pub fn log(&self) -> String {
        format!("exit {:?}\n--- stderr ---\n{}", self.code, self.stderr)
    }
}

/// A line of the `tracing` log (starts with a timestamp such as `2026-11-28T22:00:19Z`).
fn is_log_line(line: &str) -> bool {
    let bytes = line.as_bytes();
    bytes.len() > 11
        && bytes[..4].iter().all(u8::is_ascii_digit)
        && bytes[4] == b'-'
        && bytes[10] == b'T'
}

/// `2026-..Z ERROR app: message` -> `message`; a line printed by anyhow (`Error: ...`) as is.
fn strip_log_prefix(line: &str, level: &str) -> String {
    let after_level = line.split_once(level).map_or(line, |(_, rest)| rest);
    let message = after_level
        .split_once(": ")
        .map_or(after_level, |(_, rest)| rest);
    message.trim().to_owned()
}

/// Removes ANSI escape sequences (`ESC [ ... letter`).
pub fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            chars.next();
            for next in chars.by_ref() {
                if next.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The workspace root: the nearest folder above the crate holding `Cargo.lock`.
pub fn root() -> PathBuf {
    test_data::workspace_root()
}

/// A command for the `app` binary: run from the workspace root, no display, default logging,
/// and `RUST_BACKTRACE` removed (this machine exports it; the default must be checked).
pub fn app_command(args: &[&str]) -> Command {
    let Some(binary) = option_env!("CARGO_BIN_EXE_app") else {
        panic!("only the app crate's tests run the app");
    };
    let mut command = Command::new(binary);
    command.args(args);
    quiet_env(&mut command);
    command
}

/// Runs from the workspace root without a display, with default logging and without
/// `RUST_BACKTRACE` (this machine exports it; the default must be checked).
pub fn quiet_env(command: &mut Command) {
    command
        .current_dir(root())
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env_remove("RUST_BACKTRACE")
        .env_remove("RUST_LIB_BACKTRACE")
        .env_remove(test_data::MODELS_ENV)
        .env_remove("AGENDER_MIRROR")
        .env_remove("OPENCV_LOG_LEVEL")
        .env("RUST_LOG", "info");
}

/// Spawns `command` with piped output.
pub fn spawn(command: &mut Command) -> Running {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let stdout = read_in_background(child.stdout.take().expect("piped stdout"));
    let stderr = read_in_background(child.stderr.take().expect("piped stderr"));
    Running {
        child,
        stdout,
        stderr,
        started: Instant::now(),
    }
}

fn read_in_background(mut pipe: impl Read + Send + 'static) -> JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        bytes
    })
}

/// A child process whose output is being collected.
pub struct Running {
    /// The process.
    pub child: Child,
    stdout: JoinHandle<Vec<u8>>,
    stderr: JoinHandle<Vec<u8>>,
    started: Instant,
}

impl Running {
    /// Waits for the end, killing the process and failing the test after `limit` (a hang).
    pub fn wait(mut self, limit: Duration) -> Outcome {
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("wait for the child") {
                break status;
            }
            if self.started.elapsed() > limit {
                let _ = self.child.kill();
                let _ = self.child.wait();
                let stderr = self.stderr.join().unwrap_or_default();
                panic!(
                    "the process hung: still running after {limit:?}\n{}",
                    strip_ansi(&String::from_utf8_lossy(&stderr))
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let stdout = self.stdout.join().unwrap_or_default();
        let stderr = String::from_utf8_lossy(&self.stderr.join().unwrap_or_default()).into_owned();
        Outcome {
            code: status.code(),
            stdout: String::from_utf8_lossy(&stdout).into_owned(),
            stderr: strip_ansi(&stderr),
            raw_stderr: stderr,
        }
    }
}

/// Runs `command` to its end within `limit`.
pub fn run_with_limit(command: &mut Command, limit: Duration) -> Outcome {
    spawn(command).wait(limit)
}

/// Runs the app with `args` (see [`app_command`]) within `limit`.
pub fn run_app_limited(args: &[&str], limit: Duration) -> Outcome {
    require_models();
    run_with_limit(&mut app_command(args), limit)
}

/// Fails with the fix when the converted models are missing.
pub fn require_models() {
    for file in [
        "ssrnet_age.onnx",
        "ssrnet_gender.onnx",
        "haarcascade_frontalface_alt.xml",
    ] {
        test_data::model(file);
    }
}

/// Asserts no panic and no backtrace whatever the outcome.
pub fn assert_no_panic(outcome: &Outcome) {
    for marker in [
        "panicked at",
        "stack backtrace",
        "RUST_BACKTRACE=1",
        "Stack backtrace",
    ] {
        assert!(
            !outcome.stderr.contains(marker) && !outcome.stdout.contains(marker),
            "`{marker}` in the output:\n{}",
            outcome.log()
        );
    }
}

/// Asserts a failure with exit code `code` whose main message contains every one of `needles`
/// (case-insensitive), with no panic and no backtrace.
pub fn assert_failure(outcome: &Outcome, code: i32, needles: &[&str]) {
    assert_no_panic(outcome);
    assert_eq!(
        outcome.code,
        Some(code),
        "expected exit code {code}:\n{}",
        outcome.log()
    );
    let message = outcome.message().to_lowercase();
    for needle in needles {
        assert!(
            message.contains(&needle.to_lowercase()),
            "the message does not mention `{needle}`: {}\n{}",
            outcome.message(),
            outcome.log()
        );
    }
}

/// Asserts success, no panic.
pub fn assert_success(outcome: &Outcome) {
    assert_no_panic(outcome);
    assert_eq!(
        outcome.code,
        Some(EXIT_OK),
        "expected success:\n{}",
        outcome.log()
    );
}

/// Records one row of `docs/ROBUSTNESS.md` when [`TABLE_ENV`] is set: `area` groups the rows,
/// `input` says what was fed in, `behaviour` what the test checked.
pub fn record(area: &str, input: &str, behaviour: &str, outcome: &Outcome) {
    record_message(area, input, behaviour, &outcome.message(), outcome.code);
}

/// [`record`] with an explicit message (e.g. for a run stopped by a signal).
pub fn record_message(area: &str, input: &str, behaviour: &str, message: &str, code: Option<i32>) {
    let Some(dir) = std::env::var_os(TABLE_ENV) else {
        return;
    };
    let dir = PathBuf::from(dir);
    std::fs::create_dir_all(&dir).expect("table folder");
    let escape = |text: &str| text.replace('|', "\\|").replace('\n', " ");
    let code = code.map_or_else(|| "signal".to_owned(), |c| c.to_string());
    let row = format!(
        "| {} | {} | {} | `{}` | {} |\n",
        escape(area),
        escape(input),
        escape(behaviour),
        escape(message).replace('`', "'"),
        code
    );
    let slug: String = format!("{area}-{input}")
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    std::fs::write(dir.join(format!("{slug}.md")), row).expect("write the table row");
}

/// A fresh temporary directory.
pub fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temporary directory")
}

/// The shared data directory (`AGENDER_SHARED`, default `../shared`).
pub fn shared_dir() -> PathBuf {
    test_data::shared_dir()
}

/// A path as `&str` (test paths are UTF-8).
pub fn s(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}
