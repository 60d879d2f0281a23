//! The machine and revision a benchmark ran on: CPU model, cores, load, date, git commit.

use std::path::Path;
use std::process::Command;

use serde::{Deserialize, Serialize};

/// Where and when a benchmark ran.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Machine {
    /// `model name` of the first CPU in /proc/cpuinfo.
    pub cpu_model: String,
    /// Logical CPUs the process may use.
    pub cores: usize,
    /// 1-minute load average (/proc/loadavg) when the benchmark started.
    pub load_at_start: f64,
    /// 1-minute load average when it ended.
    pub load_at_end: f64,
    /// UTC date and time (`date -u`).
    pub date: String,
    /// `git rev-parse --short HEAD`, with `+dirty` when the tree has changes.
    pub commit: String,
}

impl Machine {
    /// Reads everything but `load_at_end` (set it with [`Machine::finish`]).
    pub fn probe(root: &Path) -> Self {
        let cpu_model = std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|text| {
                text.lines()
                    .find(|line| line.starts_with("model name"))
                    .and_then(|line| line.split_once(':'))
                    .map(|(_, model)| model.trim().to_owned())
            })
            .unwrap_or_else(|| "unknown".to_owned());
        let cores = std::thread::available_parallelism().map_or(0, usize::from);
        let commit = command_output(root, "git", &["rev-parse", "--short", "HEAD"]);
        let dirty = !command_output(
            root,
            "git",
            &["status", "--porcelain", "--untracked-files=no"],
        )
        .is_empty();
        Self {
            cpu_model,
            cores,
            load_at_start: load_average(),
            load_at_end: f64::NAN,
            date: command_output(root, "date", &["-u", "+%Y-%m-%d %H:%M UTC"]),
            commit: if dirty {
                format!("{commit}+dirty")
            } else {
                commit
            },
        }
    }

    /// Records the load at the end of the benchmark.
    pub fn finish(&mut self) {
        self.load_at_end = load_average();
    }
}

/// The 1-minute load average, NaN when /proc/loadavg cannot be read.
pub fn load_average() -> f64 {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|text| text.split_whitespace().next().and_then(|v| v.parse().ok()))
        .unwrap_or(f64::NAN)
}

fn command_output(dir: &Path, program: &str, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .ok()
        .filter(|output| output.status.success())
        .map(|output| String::from_utf8_lossy(&output.stdout).trim().to_owned())
        .unwrap_or_else(|| "unknown".to_owned())
}
