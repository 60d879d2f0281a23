//! Memory of a running child process, sampled from `/proc/<pid>/status`.

use std::process::Child;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

/// How often the child's memory is sampled.
pub const SAMPLE_INTERVAL: Duration = Duration::from_millis(50);

/// One memory sample.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct RssSample {
    /// Seconds since the child started.
    pub seconds: f64,
    /// Resident set size (VmRSS), MiB.
    pub rss_mib: f64,
}

/// What was seen of a child's memory until it exited.
#[derive(Debug, Clone, Default)]
pub struct MemoryTrace {
    /// Peak resident set size (the largest VmHWM seen), MiB.
    pub peak_mib: f64,
    /// VmRSS over time.
    pub samples: Vec<RssSample>,
}

/// Samples `child`'s memory until it exits; returns the trace and whether it succeeded.
pub fn watch(child: &mut Child) -> Result<(MemoryTrace, std::process::ExitStatus)> {
    let started = Instant::now();
    let status_path = format!("/proc/{}/status", child.id());
    let mut trace = MemoryTrace::default();
    loop {
        if let Some(status) = child.try_wait().context("cannot wait for the app")? {
            return Ok((trace, status));
        }
        if let Ok(text) = std::fs::read_to_string(&status_path) {
            if let Some(hwm) = status_kib(&text, "VmHWM:") {
                trace.peak_mib = trace.peak_mib.max(hwm / 1024.0);
            }
            if let Some(rss) = status_kib(&text, "VmRSS:") {
                trace.samples.push(RssSample {
                    seconds: started.elapsed().as_secs_f64(),
                    rss_mib: rss / 1024.0,
                });
            }
        }
        std::thread::sleep(SAMPLE_INTERVAL);
    }
}

/// The value in kB of a `/proc/<pid>/status` line such as `VmRSS:   123456 kB`.
fn status_kib(status: &str, key: &str) -> Option<f64> {
    status
        .lines()
        .find_map(|line| line.strip_prefix(key))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|value| value.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_kib_values_of_status_lines() {
        let status = "Name:\tapp\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\n";
        assert_eq!(status_kib(status, "VmHWM:"), Some(204_800.0));
        assert_eq!(status_kib(status, "VmRSS:"), Some(102_400.0));
        assert_eq!(status_kib(status, "VmSwap:"), None);
    }
}
