//! The one error type of this crate. Each variant says what was being done and with which file,
//! URL or value; the cause, when there is one, is its [`std::error::Error::source`], so a CLI
//! printing the whole chain (`anyhow`'s `{:#}`) shows every step down to the I/O error.

use std::path::PathBuf;

/// Everything that can go wrong while reading the manifest, fetching or converting a model.
#[derive(Debug, thiserror::Error)]
pub enum ModelsError {
    /// A file-system operation failed, e.g. `what` = "reading manifest" on `path`.
    #[error("{what} {}", path.display())]
    Io {
        /// The operation, worded to be followed by the path.
        what: String,
        /// The file or folder it was applied to.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// Reading a fetched stream failed (`from`: its URL or mirror path).
    #[error("reading {from}")]
    Read {
        /// Where the bytes came from.
        from: String,
        /// The transport's error.
        #[source]
        source: std::io::Error,
    },
    /// A mirror folder lacks one of the manifest's files.
    #[error("the mirror {} has no readable {file_name} (expected {})", mirror.display(), path.display())]
    MirrorFile {
        /// The mirror folder.
        mirror: PathBuf,
        /// The file name the manifest gives.
        file_name: String,
        /// The path that was tried.
        path: PathBuf,
        /// Why it could not be opened.
        #[source]
        source: std::io::Error,
    },
    /// A download failed; offline machines should use a mirror instead.
    #[error("downloading {url} (no network? use --mirror DIR or AGENDER_MIRROR)")]
    Download {
        /// The upstream URL.
        url: String,
        /// The HTTP client's error.
        #[source]
        source: Box<ureq::Error>,
    },
    /// A TOML document (the manifest) does not parse.
    #[error("parsing TOML")]
    Toml(#[from] toml::de::Error),
    /// A conversion stamp could not be serialised.
    #[error("serialising the stamp")]
    StampEncoding(#[from] toml::ser::Error),
    /// A JSON document (a TensorFlow.js weights manifest) does not parse.
    #[error("not a TensorFlow.js weights manifest")]
    Json(#[from] serde_json::Error),
    /// The HDF5 reader refused a Keras weights file; `what` names the file and the object.
    #[error("{what}")]
    Hdf5 {
        /// The file and what was being read from it.
        what: String,
        /// The reader's error.
        #[source]
        source: hdf5_pure::Error,
    },
    /// A size too large for the integer type the ONNX model stores it in.
    #[error("a size does not fit the ONNX model's integer type")]
    SizeOverflow(#[from] std::num::TryFromIntError),
    /// A file's content, a manifest field or a caller's argument is not what this crate accepts;
    /// the message names the file, key or value and, where it helps, what would be accepted.
    #[error("{0}")]
    Invalid(String),
    /// A step failed because of `source`: `what` says which step and for which file.
    #[error("{what}")]
    Context {
        /// The step, e.g. "converting ssrnet_age.onnx".
        what: String,
        /// The error that stopped it.
        #[source]
        source: Box<ModelsError>,
    },
}

/// This crate's result type.
pub type Result<T, E = ModelsError> = std::result::Result<T, E>;

impl ModelsError {
    /// An [`ModelsError::Io`] for `what` on `path`.
    pub(crate) fn io(
        what: impl Into<String>,
        path: impl Into<PathBuf>,
        source: std::io::Error,
    ) -> Self {
        ModelsError::Io {
            what: what.into(),
            path: path.into(),
            source,
        }
    }

    /// An [`ModelsError::Hdf5`] for `what`.
    pub(crate) fn hdf5(what: impl Into<String>, source: hdf5_pure::Error) -> Self {
        ModelsError::Hdf5 {
            what: what.into(),
            source,
        }
    }
}

/// An [`ModelsError::Invalid`] with `message`.
pub(crate) fn invalid(message: impl Into<String>) -> ModelsError {
    ModelsError::Invalid(message.into())
}

/// Adds the step that failed to an error, or turns a missing value into an error.
pub(crate) trait Context<T> {
    /// Wraps the error (or a `None`) with `what`.
    fn context(self, what: impl Into<String>) -> Result<T>;

    /// Like [`Context::context`], building the message only on failure.
    fn with_context<S: Into<String>>(self, what: impl FnOnce() -> S) -> Result<T>;
}

impl<T> Context<T> for Result<T> {
    fn context(self, what: impl Into<String>) -> Result<T> {
        self.map_err(|source| ModelsError::Context {
            what: what.into(),
            source: Box::new(source),
        })
    }

    fn with_context<S: Into<String>>(self, what: impl FnOnce() -> S) -> Result<T> {
        self.map_err(|source| ModelsError::Context {
            what: what().into(),
            source: Box::new(source),
        })
    }
}

impl<T> Context<T> for Option<T> {
    fn context(self, what: impl Into<String>) -> Result<T> {
        self.ok_or_else(|| invalid(what))
    }

    fn with_context<S: Into<String>>(self, what: impl FnOnce() -> S) -> Result<T> {
        self.ok_or_else(|| invalid(what()))
    }
}

/// Returns an [`ModelsError::Invalid`] built like `format!`.
macro_rules! bail {
    ($($message:tt)+) => {
        return Err($crate::error::ModelsError::Invalid(format!($($message)+)))
    };
}

/// Returns an [`ModelsError::Invalid`] built like `format!` unless the condition holds.
macro_rules! ensure {
    ($condition:expr, $($message:tt)+) => {
        if !$condition {
            $crate::error::bail!($($message)+);
        }
    };
}

pub(crate) use {bail, ensure};

/// The error and all its causes on one line, as a CLI prints them (`anyhow`'s `{:#}`), so the
/// unit tests check the whole message a user would see.
#[cfg(test)]
pub(crate) fn chain(error: &ModelsError) -> String {
    let mut message = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}
