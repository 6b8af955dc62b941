//! Output files that appear complete or not at all, and harm nothing else.
//!
//! What [`AtomicFile`] guarantees:
//!
//! - The data goes to a new temporary file beside the target, named
//!   `.NAME.PID.RANDOM.partial` (`PID` the writing process), created
//!   exclusively (`O_CREAT | O_EXCL`, mode `0666` less the umask): it never
//!   opens a file that exists and never follows a symbolic link, so a link
//!   planted under a temporary name harms nothing, and two runs writing the
//!   same target never share a temporary file.
//! - The target appears only on [`commit`](AtomicFile::commit), by a rename:
//!   the target (or a link at its name) is replaced, never written through.
//!   Two runs writing one target leave one run's complete output.
//! - Dropped without a commit (an error, a panic), the temporary file is
//!   removed. A run killed outright leaves it, with its process id in the
//!   name; the next [`AtomicFile::create`] of the same target removes those
//!   whose process is gone (where `/proc` tells: Linux) and never one of a
//!   live process.
//! - Every error names the target, never the temporary name.
//! - A target that exists and is not a regular file (`/dev/null`, a named
//!   pipe) is written directly: renaming over it would replace the device
//!   with a plain file. A folder is refused at once.
//!
//! [`commit_all`] commits several files together: all are flushed to disk
//! before the first is renamed, so a failure while writing any leaves every
//! earlier target as it was.

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use tempfile::TempPath;

use crate::error::{Error, Result};

/// Random characters in a temporary name.
const RANDOM_LEN: usize = 6;

/// A file written under a temporary name and renamed by [`commit`](Self::commit).
/// Dropped without a commit, the temporary file is removed.
pub struct AtomicFile {
    /// The target.
    path: PathBuf,
    /// The open file; `None` once committed.
    out: Option<BufWriter<File>>,
    /// The temporary file, `None` when writing a special file directly.
    tmp: Option<TempPath>,
    /// Flushed and synced: nothing more is written.
    finished: bool,
}

impl AtomicFile {
    /// Starts writing `path`, under a new temporary name beside it.
    pub fn create(path: impl Into<PathBuf>) -> Result<AtomicFile> {
        let path = path.into();
        match fs::metadata(&path) {
            Ok(m) if m.is_dir() => {
                return Err(Error::io(&path, io::ErrorKind::IsADirectory.into()));
            }
            Ok(m) if !m.is_file() => return AtomicFile::direct(path),
            _ => {}
        }
        let Some(name) = path.file_name().map(|n| n.to_string_lossy().into_owned()) else {
            let e = io::Error::new(io::ErrorKind::InvalidInput, "not a file name");
            return Err(Error::io(&path, e));
        };
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        remove_stale(&dir, &name);
        let file = tempfile::Builder::new()
            .prefix(&temp_prefix(&name, std::process::id()))
            .suffix(".partial")
            .rand_bytes(RANDOM_LEN)
            .make_in(&dir, create_new)
            .map_err(|e| Error::io(&path, e))?;
        let (file, tmp) = file.into_parts();
        Ok(AtomicFile {
            path,
            out: Some(BufWriter::with_capacity(1 << 20, file)),
            tmp: Some(tmp),
            finished: false,
        })
    }

    /// Writes an existing special file in place.
    fn direct(path: PathBuf) -> Result<AtomicFile> {
        let file = fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .map_err(|e| Error::io(&path, e))?;
        Ok(AtomicFile {
            path,
            out: Some(BufWriter::with_capacity(1 << 20, file)),
            tmp: None,
            finished: false,
        })
    }

    /// The target.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes all of `buf`, naming the target on failure.
    pub fn write(&mut self, buf: &[u8]) -> Result<()> {
        let out = self.writer();
        out.write_all(buf).map_err(|e| Error::io(&self.path, e))
    }

    fn writer(&mut self) -> &mut BufWriter<File> {
        assert!(!self.finished, "written after finish");
        self.out.as_mut().expect("written after commit")
    }

    /// Flushes the data and syncs it to disk; the target is not touched yet.
    /// Nothing can be written afterwards.
    pub fn finish(&mut self) -> Result<()> {
        if self.finished {
            return Ok(());
        }
        let out = self.out.as_mut().expect("finished after commit");
        out.flush().map_err(|e| Error::io(&self.path, e))?;
        if self.tmp.is_some() {
            out.get_ref()
                .sync_all()
                .map_err(|e| Error::io(&self.path, e))?;
        }
        self.finished = true;
        Ok(())
    }

    /// Finishes (if not done) and renames to the target.
    pub fn commit(mut self) -> Result<()> {
        self.finish()?;
        drop(self.out.take());
        match self.tmp.take() {
            None => Ok(()), // written directly to a device or pipe
            Some(tmp) => tmp
                .persist(&self.path)
                .map_err(|e| Error::io(&self.path, e.error)),
        }
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        // Discard what is buffered rather than flush it into a file about to
        // be removed, or into a device the run failed to finish writing.
        if let Some(out) = self.out.take() {
            let _ = out.into_parts();
        }
        // `self.tmp`, dropped next, removes the temporary file.
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.writer().write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.writer().flush()
    }
}

/// Commits `files` in order, once every one of them is finished: an error
/// while finishing any renames none (their temporary files are removed).
pub fn commit_all(mut files: Vec<AtomicFile>) -> Result<()> {
    for f in &mut files {
        f.finish()?;
    }
    for f in files {
        f.commit()?;
    }
    Ok(())
}

/// `.NAME.PID.`, the start of the temporary names of target `NAME`.
fn temp_prefix(name: &str, pid: u32) -> String {
    format!(".{name}.{pid}.")
}

/// Creates `path`, failing if anything (a link included) is there.
fn create_new(path: &Path) -> io::Result<File> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o666);
    options.open(path)
}

/// The process id in `file_name` if it is a temporary name of target `name`:
/// `.NAME.PID.RANDOM.partial`.
fn temp_owner(file_name: &str, name: &str) -> Option<u32> {
    let rest = file_name
        .strip_prefix('.')?
        .strip_prefix(name)?
        .strip_prefix('.')?
        .strip_suffix(".partial")?;
    let (pid, random) = rest.split_once('.')?;
    let random_ok = random.len() == RANDOM_LEN && random.bytes().all(|b| b.is_ascii_alphanumeric());
    let pid_ok = !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit());
    if random_ok && pid_ok {
        pid.parse().ok()
    } else {
        None
    }
}

/// Removes the temporary files of target `name` in `dir` left by processes
/// that are gone ([`crate::process::remove_stale`]).
fn remove_stale(dir: &Path, name: &str) {
    crate::process::remove_stale(dir, |f| temp_owner(f, name));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn appears_only_on_commit_and_dropped_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.jsonl");
        let mut f = AtomicFile::create(&p).unwrap();
        f.write(b"x\n").unwrap();
        assert!(!p.exists());
        f.commit().unwrap();
        assert_eq!(fs::read_to_string(&p).unwrap(), "x\n");
        let q = dir.path().join("gone.jsonl");
        let mut g = AtomicFile::create(&q).unwrap();
        g.write(b"y").unwrap();
        drop(g);
        assert!(!q.exists());
        assert_eq!(names(dir.path()), ["out.jsonl"]);
    }

    #[test]
    fn temporary_name_is_unique_with_the_pid() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.jsonl");
        let f = AtomicFile::create(&p).unwrap();
        let g = AtomicFile::create(&p).unwrap();
        let tmp = names(dir.path());
        assert_eq!(tmp.len(), 2, "{tmp:?}");
        for t in &tmp {
            assert_eq!(temp_owner(t, "a.jsonl"), Some(std::process::id()), "{t}");
        }
        drop((f, g));
        assert!(names(dir.path()).is_empty());
    }

    #[test]
    fn two_writers_of_one_target_leave_one_complete_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t.jsonl");
        let mut f = AtomicFile::create(&p).unwrap();
        let mut g = AtomicFile::create(&p).unwrap();
        f.write(b"first 1\n").unwrap();
        g.write(b"second 1\n").unwrap();
        f.write(b"first 2\n").unwrap();
        g.write(b"second 2\n").unwrap();
        f.commit().unwrap();
        g.commit().unwrap();
        assert_eq!(fs::read_to_string(&p).unwrap(), "second 1\nsecond 2\n");
        assert_eq!(names(dir.path()), ["t.jsonl"]);
    }

    #[cfg(unix)]
    #[test]
    fn links_at_temporary_or_target_names_are_never_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        fs::write(&victim, "precious").unwrap();
        let pid = std::process::id();
        for planted in [".o.partial".to_string(), format!(".o.{pid}.AAAAAA.partial")] {
            std::os::unix::fs::symlink(&victim, dir.path().join(planted)).unwrap();
        }
        std::os::unix::fs::symlink(&victim, dir.path().join("o")).unwrap();
        let mut f = AtomicFile::create(dir.path().join("o")).unwrap();
        f.write(b"new").unwrap();
        f.commit().unwrap();
        assert_eq!(fs::read_to_string(&victim).unwrap(), "precious");
        let o = dir.path().join("o");
        assert!(fs::symlink_metadata(&o).unwrap().is_file(), "link replaced");
        assert_eq!(fs::read_to_string(&o).unwrap(), "new");
    }

    #[test]
    fn stale_temporary_files_of_dead_processes_are_removed() {
        if !Path::new("/proc/self").exists() {
            return; // cannot tell a dead process from a live one
        }
        let dir = tempfile::tempdir().unwrap();
        // Process ids above pid_max (at most 2^22) never exist.
        let dead = temp_prefix("r.jsonl", 99_999_999) + "abcDEF.partial";
        let live = temp_prefix("r.jsonl", std::process::id()) + "abcDEF.partial";
        let other = temp_prefix("s.jsonl", 99_999_999) + "abcDEF.partial";
        let odd = ".r.jsonl.99999999.toolongname.partial".to_string();
        for n in [&dead, &live, &other, &odd] {
            fs::write(dir.path().join(n), "x").unwrap();
        }
        AtomicFile::create(dir.path().join("r.jsonl"))
            .unwrap()
            .commit()
            .unwrap();
        let mut want = vec![live, other, odd, "r.jsonl".to_string()];
        want.sort();
        assert_eq!(names(dir.path()), want);
    }

    #[test]
    fn temporary_names_are_recognised_exactly() {
        assert_eq!(temp_owner(".a.b.12.xY3aB9.partial", "a.b"), Some(12));
        assert_eq!(temp_owner(".a.b.12.xY3aB9.partial", "a"), None);
        assert_eq!(temp_owner(".a.b.partial", "a.b"), None);
        assert_eq!(temp_owner(".a.b.x1.xY3aB9.partial", "a.b"), None);
        assert_eq!(temp_owner(".a.b.12.xY3a-9.partial", "a.b"), None);
        assert_eq!(temp_owner("a.b.12.xY3aB9.partial", "a.b"), None);
    }

    #[test]
    fn errors_name_the_target_not_the_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("missing/out.jsonl");
        let e = AtomicFile::create(&p).err().unwrap().to_string();
        assert!(e.starts_with(&p.display().to_string()), "{e}");
        assert!(!e.contains("partial"), "{e}");
        let e = AtomicFile::create(dir.path()).err().unwrap().to_string();
        assert!(e.starts_with(&dir.path().display().to_string()), "{e}");
    }

    #[cfg(unix)]
    #[test]
    fn commit_all_renames_nothing_when_one_cannot_be_finished() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a");
        fs::write(&a, "old").unwrap();
        let mut fa = AtomicFile::create(&a).unwrap();
        fa.write(b"new").unwrap();
        let mut full = AtomicFile::create("/dev/full").unwrap();
        full.write(b"lost").unwrap();
        let e = commit_all(vec![fa, full]).unwrap_err().to_string();
        assert!(e.starts_with("/dev/full:"), "{e}");
        assert_eq!(fs::read_to_string(&a).unwrap(), "old");
        assert_eq!(names(dir.path()), ["a"]);
    }

    #[cfg(unix)]
    #[test]
    fn permissions_are_those_of_a_plain_new_file() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let plain = dir.path().join("plain");
        File::create(&plain).unwrap();
        let ours = dir.path().join("ours");
        AtomicFile::create(&ours).unwrap().commit().unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode();
        assert_eq!(mode(&ours), mode(&plain));
    }

    #[cfg(unix)]
    #[test]
    fn devices_are_written_not_replaced() {
        let mut f = AtomicFile::create("/dev/null").unwrap();
        f.write(b"discarded").unwrap();
        f.commit().unwrap();
        let meta = fs::metadata("/dev/null").unwrap();
        assert!(!meta.is_file(), "/dev/null is still a device");
    }
}
