//! The one error type of this crate, [`PipelineError`], and the [`Context`] trait that adds what
//! was being done to a failure, as `anyhow::Context` does in a program.

use std::error::Error as StdError;
use std::fmt;

/// A failure's cause, kept for its message chain.
pub type BoxedCause = Box<dyn StdError + Send + Sync + 'static>;

/// Why a run could not start or did not finish.
///
/// [`PipelineError::Config`] is the user's to fix (the configuration, a path, a model file they
/// named) before running again; [`PipelineError::Run`] went wrong while running (an unreadable
/// frame, a full disk). A front end tells them apart with [`PipelineError::is_config`], for
/// example to choose its exit code.
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    /// The configuration or an input the user named cannot work.
    #[error("{message}")]
    Config {
        /// What is wrong and what to do about it.
        message: String,
        /// The underlying failure, if any.
        #[source]
        source: Option<BoxedCause>,
    },
    /// Something failed while running.
    #[error("{message}")]
    Run {
        /// What was being done.
        message: String,
        /// The underlying failure, if any.
        #[source]
        source: Option<BoxedCause>,
    },
}

impl PipelineError {
    /// A configuration error with no underlying cause.
    pub fn config(message: impl fmt::Display) -> Self {
        Self::Config {
            message: message.to_string(),
            source: None,
        }
    }

    /// A runtime error with no underlying cause.
    pub fn run(message: impl fmt::Display) -> Self {
        Self::Run {
            message: message.to_string(),
            source: None,
        }
    }

    /// Marks `cause` as the user's to fix, with what was being done.
    pub fn config_caused_by(
        message: impl fmt::Display,
        cause: impl StdError + Send + Sync + 'static,
    ) -> Self {
        Self::Config {
            message: message.to_string(),
            source: Some(Box::new(cause)),
        }
    }

    /// Turns this error, and every error it wraps, into a configuration error: the run failed
    /// because of something the user named.
    pub fn into_config(self) -> Self {
        match self {
            Self::Run { message, source } | Self::Config { message, source } => {
                Self::Config { message, source }
            }
        }
    }

    /// Whether this error or any error it wraps is the user's configuration to fix.
    pub fn is_config(&self) -> bool {
        let mut current: Option<&(dyn StdError + 'static)> = Some(self);
        while let Some(error) = current {
            if let Some(Self::Config { .. }) = error.downcast_ref::<Self>() {
                return true;
            }
            current = error.source();
        }
        false
    }
}

/// An error and its causes on one line, `message: cause: cause`, as a program prints them.
pub fn message_chain(error: &dyn StdError) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// The result of the pipeline's operations.
pub type Result<T, E = PipelineError> = std::result::Result<T, E>;

/// Adds what was being done to a failure, making it a [`PipelineError::Run`] that keeps the
/// failure as its cause (a wrapped [`PipelineError::Config`] still counts as configuration).
pub trait Context<T> {
    /// Wraps the failure with `message`.
    fn context(self, message: impl fmt::Display) -> Result<T>;
    /// Wraps the failure with the message `make` builds, only when there is a failure.
    fn with_context<M: fmt::Display>(self, make: impl FnOnce() -> M) -> Result<T>;
}

impl<T, E: StdError + Send + Sync + 'static> Context<T> for std::result::Result<T, E> {
    fn context(self, message: impl fmt::Display) -> Result<T> {
        self.map_err(|cause| PipelineError::Run {
            message: message.to_string(),
            source: Some(Box::new(cause)),
        })
    }

    fn with_context<M: fmt::Display>(self, make: impl FnOnce() -> M) -> Result<T> {
        self.map_err(|cause| PipelineError::Run {
            message: make().to_string(),
            source: Some(Box::new(cause)),
        })
    }
}

impl<T> Context<T> for Option<T> {
    fn context(self, message: impl fmt::Display) -> Result<T> {
        self.ok_or_else(|| PipelineError::run(message))
    }

    fn with_context<M: fmt::Display>(self, make: impl FnOnce() -> M) -> Result<T> {
        self.ok_or_else(|| PipelineError::run(make()))
    }
}

/// A [`PipelineError::Run`] from a format string.
macro_rules! run_error {
    ($($arg:tt)*) => {
        $crate::error::PipelineError::run(format!($($arg)*))
    };
}

/// Returns a [`PipelineError::Run`] from a format string.
macro_rules! bail_run {
    ($($arg:tt)*) => {
        return Err($crate::error::run_error!($($arg)*))
    };
}

/// Returns a [`PipelineError::Config`] from a format string.
macro_rules! bail_config {
    ($($arg:tt)*) => {
        return Err($crate::error::PipelineError::config(format!($($arg)*)))
    };
}

pub(crate) use {bail_config, bail_run, run_error};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_keeps_the_message_chain() {
        let failed: std::result::Result<(), std::io::Error> =
            Err(std::io::Error::other("disk full"));
        let error = failed.context("cannot write frame 3").unwrap_err();
        assert_eq!(message_chain(&error), "cannot write frame 3: disk full");
        assert!(!error.is_config());
    }

    #[test]
    fn a_configuration_error_stays_one_when_wrapped() {
        let inner: Result<()> = Err(PipelineError::config("processing.area must be positive"));
        let outer = inner.context("cannot start the run").unwrap_err();
        assert!(outer.is_config());
        assert_eq!(
            message_chain(&outer),
            "cannot start the run: processing.area must be positive"
        );
    }

    #[test]
    fn into_config_marks_a_runtime_error_as_the_users() {
        assert!(
            PipelineError::run("model file unreadable")
                .into_config()
                .is_config()
        );
        assert!(!PipelineError::run("model file unreadable").is_config());
    }
}
