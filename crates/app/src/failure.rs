//! Classification of what went wrong, for the exit code: 2 for a usage or config error the user
//! must fix before running again, 1 for a failure while running.

use std::fmt;

/// Exit code of a successful run.
pub const EXIT_SUCCESS: u8 = 0;
/// Exit code of a failure while running (unreadable video, broken model file, full disk...).
pub const EXIT_RUNTIME: u8 = 1;
/// Exit code of a usage or configuration error.
pub const EXIT_USAGE: u8 = 2;

/// Marks an error as the user's to fix in the command line or the config (exit code 2).
#[derive(Debug)]
pub struct UsageError(pub String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// Wraps an error as a usage error, keeping its whole message chain.
pub fn usage(err: anyhow::Error) -> anyhow::Error {
    anyhow::Error::new(UsageError(format!("{err:#}")))
}

/// The exit code for an error: 2 when any cause is a [`UsageError`] or the pipeline's
/// configuration error, else 1.
pub fn exit_code_for(err: &anyhow::Error) -> u8 {
    let is_usage = |cause: &(dyn std::error::Error + 'static)| {
        cause.is::<UsageError>()
            || cause
                .downcast_ref::<pipeline::PipelineError>()
                .is_some_and(pipeline::PipelineError::is_config)
    };
    if err.chain().any(is_usage) {
        EXIT_USAGE
    } else {
        EXIT_RUNTIME
    }
}
