//! Spool files: copies of the inputs that can be read only once.
//!
//! Standard input, a named pipe or a device given as input (a source with
//! [`Source::once`](super::Source::once) set) can be read only once, but a
//! run reads its inputs more than once. The first read copies every byte it
//! reads to a spool file in the temporary folder ([`SpoolMode::Spool`]), and
//! later reads replay the copy ([`SpoolMode::Replay`]).
//!
//! Guarantees:
//! - a spool file is a [`TempPath`]: it is removed when dropped, so on every
//!   exit path that returns or unwinds;
//! - its name holds its owner's process id (`neardup-stdin-PID-XXXXXX` for
//!   standard input, `neardup-spool-PID-XXXXXX` for other inputs), so that
//!   the spool files of a process killed before it could remove them
//!   (`kill -9`) are recognised later: [`remove_stale`] removes those whose
//!   process is gone, and never one of a live process.

use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tempfile::TempPath;

/// Name prefixes of spool files, each followed by `PID-` and a random
/// suffix; also of the passage stage's word records and sorted runs
/// ([`crate::passages::TokenStore`], [`crate::spill`]) and of the texts of
/// passages ([`crate::passages::snippets`]), so that a killed run's are
/// removed like its spools.
const PREFIXES: [&str; 5] = [
    "neardup-stdin-",
    "neardup-spool-",
    "neardup-words-",
    "neardup-run-",
    "neardup-text-",
];

/// What to do with the sources that can be read only once.
#[derive(Clone, Debug, Default)]
pub enum SpoolMode {
    /// Read them once, keeping no copy.
    #[default]
    Plain,
    /// Read them and copy every byte of source `i` to the file paired with
    /// `i`, so that a later pass can read the same records again.
    Spool(Arc<[(u32, PathBuf)]>),
    /// Read the file paired with source `i` (its spool, written by an
    /// earlier pass) instead of the source.
    Replay(Arc<[(u32, PathBuf)]>),
}

impl SpoolMode {
    /// The spool file of source `i`, if it has one.
    pub(super) fn path(&self, i: u32) -> Option<&Path> {
        match self {
            SpoolMode::Plain => None,
            SpoolMode::Spool(files) | SpoolMode::Replay(files) => files
                .iter()
                .find(|(s, _)| *s == i)
                .map(|(_, p)| p.as_path()),
        }
    }
}

/// Creates an empty spool file in `dir`, named after this process; `stdin`
/// says whether it holds standard input.
pub fn create(dir: &Path, stdin: bool) -> io::Result<TempPath> {
    let kind = if stdin { PREFIXES[0] } else { PREFIXES[1] };
    let prefix = format!("{kind}{}-", std::process::id());
    let file = tempfile::Builder::new().prefix(&prefix).tempfile_in(dir)?;
    Ok(file.into_temp_path())
}

/// The process id in a spool file's name, or `None` if `name` is not the name
/// of a spool file.
fn owner(name: &str) -> Option<u32> {
    let rest = PREFIXES.iter().find_map(|p| name.strip_prefix(p))?;
    let (pid, suffix) = rest.split_once('-')?;
    if pid.is_empty() || suffix.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    pid.parse().ok()
}

/// Removes the spool files in `dir` whose owner process no longer runs (left
/// by a process that was killed); returns how many. Files of live processes,
/// files of other names and anything that cannot be checked are left alone.
pub fn remove_stale(dir: &Path) -> usize {
    crate::process::remove_stale(dir, owner)
}

/// Copies everything read to a spool file.
pub(super) struct Tee<R> {
    pub(super) inner: R,
    pub(super) spool: File,
    pub(super) path: PathBuf,
}

impl<R: Read> Read for Tee<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.spool.write_all(&buf[..n]).map_err(|e| {
            io::Error::new(
                e.kind(),
                format!("writing the spool file {}: {e}", self.path.display()),
            )
        })?;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spool_names_carry_the_owner() {
        let dir = tempfile::tempdir().unwrap();
        let p = create(dir.path(), true).unwrap();
        let name = p.file_name().unwrap().to_str().unwrap().to_string();
        assert!(
            name.starts_with(&format!("neardup-stdin-{}-", std::process::id())),
            "{name}"
        );
        assert_eq!(owner(&name), Some(std::process::id()));
        let q = create(dir.path(), false).unwrap();
        let name = q.file_name().unwrap().to_str().unwrap();
        assert_eq!(owner(name), Some(std::process::id()));
        assert_eq!(owner("neardup-stdin-abc"), None);
        assert_eq!(owner("neardup-stdin-12-"), None);
        assert_eq!(owner("neardup-stdin--x"), None);
        assert_eq!(owner("other-12-x"), None);
        // Dropping the path removes the file.
        let path = p.to_path_buf();
        drop(p);
        assert!(!path.exists());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn removes_only_spools_of_dead_processes() {
        let dir = tempfile::tempdir().unwrap();
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead = child.id();
        child.wait().unwrap();
        let mine = create(dir.path(), true).unwrap();
        let stale = dir.path().join(format!("neardup-spool-{dead}-abcdef"));
        // A killed analyze's word records and sorted runs go too.
        let words = dir.path().join(format!("neardup-words-{dead}-abcdef"));
        let run = dir.path().join(format!("neardup-run-{dead}-abcdef"));
        let live = dir.path().join("neardup-stdin-1-abcdef"); // init never dies
        let other = dir.path().join(format!("other-{dead}-abcdef"));
        for p in [&stale, &words, &run, &live, &other] {
            std::fs::write(p, "x").unwrap();
        }
        assert_eq!(remove_stale(dir.path()), 3);
        assert!(!stale.exists() && !words.exists() && !run.exists());
        assert!(live.exists() && other.exists() && mine.exists());
    }
}
