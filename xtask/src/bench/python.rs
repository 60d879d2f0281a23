//! The Python reference measurements: a script of `scripts/bench` run in the benchmark's
//! virtual environment (`scripts/bench/py.sh`), printing one JSON object.

use std::ffi::OsStr;
use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};
use serde::de::DeserializeOwned;

/// The runner that creates the virtual environment and runs a script in it.
pub const RUNNER: &str = "scripts/bench/py.sh";

/// Runs `scripts/bench/<script>` with `args` through [`RUNNER`] and parses what it prints.
pub fn run_json<T: DeserializeOwned>(
    root: &Path,
    script: &str,
    args: impl IntoIterator<Item = impl AsRef<OsStr>>,
) -> Result<T> {
    let runner = root.join(RUNNER);
    let output = Command::new(&runner)
        .arg(script)
        .args(args)
        .output()
        .with_context(|| format!("cannot run {} {script}", runner.display()))?;
    if !output.status.success() {
        bail!(
            "{RUNNER} {script} failed (needs python3 -m venv and PyPI access): {}",
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    serde_json::from_slice(&output.stdout)
        .with_context(|| format!("cannot parse the output of {RUNNER} {script}"))
}
