//! SIGINT (Ctrl-C), SIGTERM (`kill`, `timeout`, `docker stop`, systemd) and SIGHUP (a closed
//! terminal) ask the run to stop: it finalises its outputs and the process exits with the
//! conventional code, 128 + the signal's number. A second signal while it finalises ends the
//! process at once, for a user who does not want to wait.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};

/// The signals that stop a run cleanly.
const STOP_SIGNALS: [i32; 3] = [SIGINT, SIGTERM, SIGHUP];
/// Exit codes of processes ended by a signal are 128 + its number (POSIX shells' convention).
const SIGNAL_EXIT_BASE: i32 = 128;
/// [`StopRequest::received`] before any signal arrived.
const NO_SIGNAL: usize = 0;

/// Whether a stop was asked for, and by which signal.
#[derive(Debug, Clone)]
pub struct StopRequest {
    requested: Arc<AtomicBool>,
    received: Arc<AtomicUsize>,
}

/// The process's one set of handlers (installing them twice would double the second-signal exit).
static INSTALLED: OnceLock<StopRequest> = OnceLock::new();

impl StopRequest {
    /// Installs the handlers once per process and returns the request they set.
    pub fn install() -> Self {
        INSTALLED.get_or_init(register).clone()
    }

    /// The flag a stop signal sets, for the pipeline to watch.
    pub fn flag(&self) -> &AtomicBool {
        &self.requested
    }

    /// The signal that asked for the stop, if one did.
    pub fn signal(&self) -> Option<i32> {
        match self.received.load(Ordering::SeqCst) {
            NO_SIGNAL => None,
            number => i32::try_from(number).ok(),
        }
    }
}

/// The exit code and name of the signal that stopped the process, when one did.
pub fn received() -> Option<(u8, &'static str)> {
    let signal = INSTALLED.get()?.signal()?;
    let code = u8::try_from(SIGNAL_EXIT_BASE + signal).unwrap_or(u8::MAX);
    Some((code, name(signal)))
}

/// The usual name of a stop signal.
pub fn name(signal: i32) -> &'static str {
    match signal {
        SIGINT => "SIGINT",
        SIGTERM => "SIGTERM",
        SIGHUP => "SIGHUP",
        _ => "a signal",
    }
}

fn register() -> StopRequest {
    let request = StopRequest {
        requested: Arc::new(AtomicBool::new(false)),
        received: Arc::new(AtomicUsize::new(NO_SIGNAL)),
    };
    for signal in STOP_SIGNALS {
        let code = SIGNAL_EXIT_BASE + signal;
        // Registered first, so it sees the flag as the previous signal left it: set means this is
        // the second signal.
        let second = signal_hook::flag::register_conditional_shutdown(
            signal,
            code,
            Arc::clone(&request.requested),
        );
        let first = second.and_then(|_| {
            signal_hook::flag::register_usize(
                signal,
                Arc::clone(&request.received),
                usize::try_from(signal).unwrap_or(usize::MAX),
            )
        });
        let flag =
            first.and_then(|_| signal_hook::flag::register(signal, Arc::clone(&request.requested)));
        if let Err(err) = flag {
            tracing::warn!(
                "{} will end the program without finalising the outputs: {err}",
                name(signal)
            );
        }
    }
    request
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_raised_sigterm_is_a_stop_request_with_its_exit_code() {
        let request = StopRequest::install();
        assert!(!request.flag().load(Ordering::SeqCst));
        signal_hook::low_level::raise(SIGTERM).expect("raise");
        assert!(request.flag().load(Ordering::SeqCst));
        assert_eq!(request.signal(), Some(SIGTERM));
        assert_eq!(received(), Some((143, "SIGTERM")));
    }
}
