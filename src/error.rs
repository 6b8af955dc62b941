//! The library's error type.
//!
//! Errors are hand-written in the style of ripgrep's `ignore` crate: an opaque
//! [`Error`] with a [`kind`](Error::kind) that callers can match on. Context
//! (file, line, record) lives in the variants so that every message a user sees
//! names the place that is wrong. Mapping errors to exit codes is the binary's
//! job: [`ErrorKind::Usage`] means wrong usage (exit 2), everything else is an
//! error in the data or the run (exit 1).
//!
//! This module depends on no other module of the crate, so every stage can
//! use it without an import cycle: what a variant says about a stage's own
//! types (such as signature parameters) it carries as plain values.

use std::fmt;
use std::io;
use std::path::PathBuf;

/// A specialised `Result` for this crate.
pub type Result<T> = std::result::Result<T, Error>;

/// An error from any stage of the pipeline.
#[derive(Debug)]
pub struct Error {
    kind: ErrorKind,
}

/// What went wrong.
#[derive(Debug)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Options that cannot work together, or a value out of range.
    Usage(String),
    /// An I/O error on a path (reading input, writing output, temporary files).
    Io {
        /// The file or folder involved.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
    /// A bad input record: `file:line: reason`. `line` is `None` for a
    /// whole-file document or a file that could not be opened.
    Record {
        /// The input file as given on the command line (or `-`).
        file: String,
        /// 1-based line number, when the record is a line.
        line: Option<u64>,
        /// What is wrong with it.
        reason: String,
    },
    /// Two signatures made with different parameters were compared. The
    /// parameters are given as they display
    /// (`num_perm=128 shingle=5 seed=42 normalize=nfkc,...`).
    IncompatibleSignatures {
        /// Parameters of the left-hand signature.
        expected: String,
        /// Parameters of the right-hand signature.
        found: String,
    },
    /// Anything else that makes the run fail, with a message.
    Other(String),
}

impl Error {
    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// Whether this error is a usage error (exit status 2 in the CLI).
    pub fn is_usage(&self) -> bool {
        matches!(self.kind, ErrorKind::Usage(_))
    }

    /// A usage error.
    pub fn usage(msg: impl Into<String>) -> Error {
        Error::from(ErrorKind::Usage(msg.into()))
    }

    /// An I/O error on `path`.
    pub fn io(path: impl Into<PathBuf>, source: io::Error) -> Error {
        Error::from(ErrorKind::Io {
            path: path.into(),
            source,
        })
    }

    /// A bad record at `file:line`.
    pub fn record(file: impl Into<String>, line: Option<u64>, reason: impl Into<String>) -> Error {
        Error::from(ErrorKind::Record {
            file: file.into(),
            line,
            reason: reason.into(),
        })
    }

    /// Any other failure.
    pub fn other(msg: impl Into<String>) -> Error {
        Error::from(ErrorKind::Other(msg.into()))
    }
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Error {
        Error { kind }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ErrorKind::Usage(msg) | ErrorKind::Other(msg) => f.write_str(msg),
            ErrorKind::Io { path, source } => write!(f, "{}: {}", path.display(), source),
            ErrorKind::Record {
                file,
                line: Some(line),
                reason,
            } => write!(f, "{file}:{line}: {reason}"),
            ErrorKind::Record {
                file,
                line: None,
                reason,
            } => write!(f, "{file}: {reason}"),
            ErrorKind::IncompatibleSignatures { expected, found } => write!(
                f,
                "signatures are not comparable: made with {expected} and with {found}"
            ),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            ErrorKind::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_errors_name_file_and_line() {
        let e = Error::record("a.jsonl", Some(3), "malformed JSON");
        assert_eq!(e.to_string(), "a.jsonl:3: malformed JSON");
        let e = Error::record("doc.txt", None, "invalid UTF-8");
        assert_eq!(e.to_string(), "doc.txt: invalid UTF-8");
        assert!(!e.is_usage());
        assert!(Error::usage("bad").is_usage());
    }
}
