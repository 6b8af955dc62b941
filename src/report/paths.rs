//! Outputs that would destroy an input or one another are refused before
//! anything is read.
//!
//! What [`refuse_clashes`] guarantees, as a usage error naming both paths:
//!
//! - no output is the same file as an input: compared by device and inode
//!   (hard links, symbolic links, `./x` and `x` are one file), every file of
//!   an input folder included; standard output redirected to an input file
//!   and standard input redirected from an output file count too;
//! - no two outputs are one file: the same existing file, or the same name in
//!   the same folder (compared through the canonical folder, so outputs that
//!   do not exist yet are compared too). An existing special file
//!   (`/dev/null`) may be given several times: it is written, not replaced.
//!
//! [`outside_folder`] keeps an output folder from being read as input: the
//! files inside it are dropped from the inputs.

use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::input::Inputs;

/// Something a command writes.
#[derive(Clone, Copy, Debug)]
pub enum Output<'a> {
    /// A file, by its path.
    File(&'a Path),
    /// The process's standard output.
    Stdout,
}

/// A file as the checks see it.
struct Seen {
    /// How messages name it.
    name: String,
    /// Device and inode of an existing file.
    id: Option<(u64, u64)>,
    /// Canonical folder and file name (for a file that may not exist yet).
    location: Option<PathBuf>,
    /// An existing file that is neither regular nor a folder.
    special: bool,
}

impl Seen {
    fn path(path: &Path, name: String) -> Seen {
        let meta = fs::metadata(path).ok();
        Seen {
            name,
            id: meta.as_ref().and_then(file_id),
            location: Some(location(path)),
            special: meta.is_some_and(|m| !m.is_file() && !m.is_dir()),
        }
    }

    /// An input: only its identity counts (inputs are compared with outputs
    /// by [`Seen::same_file`]), so its folder is not resolved.
    fn input(path: &Path, name: String) -> Seen {
        let meta = fs::metadata(path).ok();
        Seen {
            name,
            id: meta.as_ref().and_then(file_id),
            location: None,
            special: meta.is_some_and(|m| !m.is_file() && !m.is_dir()),
        }
    }

    /// An open standard stream (0 or 1), when it is a regular file.
    fn stream(fd: i32, name: &str) -> Seen {
        Seen {
            name: name.to_string(),
            id: stream_id(fd),
            location: None,
            special: false,
        }
    }

    fn same_file(&self, other: &Seen) -> bool {
        self.id.is_some() && self.id == other.id
    }

    fn same_location(&self, other: &Seen) -> bool {
        self.location.is_some() && self.location == other.location
    }
}

/// Refuses `outputs` that are one of the `inputs` or one another (see the
/// module docs).
pub fn refuse_clashes(inputs: &Inputs, outputs: &[Output<'_>]) -> Result<()> {
    let outs: Vec<Seen> = outputs
        .iter()
        .map(|o| match *o {
            Output::File(p) => Seen::path(p, format!("output {}", p.display())),
            Output::Stdout => Seen::stream(1, "standard output"),
        })
        .collect();
    for (i, a) in outs.iter().enumerate() {
        for b in &outs[i + 1..] {
            let special = a.special && b.special;
            if !special && (a.same_file(b) || a.same_location(b)) {
                return Err(Error::usage(format!(
                    "{} and {} are the same file: each output needs its own",
                    a.name, b.name
                )));
            }
        }
    }
    let written: Vec<&Seen> = outs.iter().filter(|o| o.id.is_some()).collect();
    if written.is_empty() {
        return Ok(()); // nothing written exists yet: it cannot be an input
    }
    for source in &inputs.sources {
        let input = match &source.path {
            Some(p) => Seen::input(p, format!("input {}", source.name)),
            None if source.error.is_none() => Seen::stream(0, "standard input"),
            None => continue,
        };
        if let Some(out) = written.iter().find(|o| o.same_file(&input)) {
            return Err(Error::usage(format!(
                "{} is {} (the same file): writing it would destroy the input",
                out.name, input.name
            )));
        }
    }
    Ok(())
}

/// Drops the inputs that are inside `folder` (an output folder, which is
/// never read), counting them as ignored files. A usage error if nothing
/// else is left to read.
pub fn outside_folder(mut inputs: Inputs, folder: &Path) -> Result<Inputs> {
    let Ok(folder_canon) = fs::canonicalize(folder) else {
        return Ok(inputs); // not there yet: nothing is inside it
    };
    let before = inputs.sources.len();
    // The files of a walked folder share their parents: each is resolved once.
    let mut parents: std::collections::HashMap<PathBuf, bool> = Default::default();
    inputs.sources.retain(|s| {
        let path = match &s.path {
            Some(p) => p.clone(),
            None if s.error.is_some() => PathBuf::from(&s.name),
            None => return true, // standard input
        };
        match path.parent().filter(|p| !p.as_os_str().is_empty()) {
            Some(parent) => !*parents
                .entry(parent.to_path_buf())
                .or_insert_with(|| location(&path).starts_with(&folder_canon)),
            None => !location(&path).starts_with(&folder_canon),
        }
    });
    let dropped = before - inputs.sources.len();
    if dropped > 0 && inputs.sources.is_empty() {
        return Err(Error::usage(format!(
            "every input is inside the output folder {}, which is never read as input: \
             write the outputs to another folder",
            folder.display()
        )));
    }
    inputs.ignored_files += dropped as u64;
    Ok(inputs)
}

/// Where `path` is, links in its folder resolved but not a link at its own
/// name: the canonical parent folder joined with the file name, or the
/// absolute path when the folder does not exist.
fn location(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let (Some(parent), Some(name)) = (absolute.parent(), absolute.file_name()) else {
        return fs::canonicalize(&absolute).unwrap_or(absolute);
    };
    match fs::canonicalize(parent) {
        Ok(p) => p.join(name),
        Err(_) => absolute,
    }
}

#[cfg(unix)]
fn file_id(meta: &fs::Metadata) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    Some((meta.dev(), meta.ino()))
}

#[cfg(not(unix))]
fn file_id(_: &fs::Metadata) -> Option<(u64, u64)> {
    None
}

/// Device and inode of standard input (0) or output (1) when it is a
/// regular file: a terminal or a pipe is no file of the inputs.
#[cfg(unix)]
fn stream_id(fd: i32) -> Option<(u64, u64)> {
    use std::os::fd::AsFd;
    let owned = match fd {
        0 => std::io::stdin().as_fd().try_clone_to_owned(),
        _ => std::io::stdout().as_fd().try_clone_to_owned(),
    }
    .ok()?;
    let meta = fs::File::from(owned).metadata().ok()?;
    if meta.is_file() { file_id(&meta) } else { None }
}

#[cfg(not(unix))]
fn stream_id(_: i32) -> Option<(u64, u64)> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{OutletFrom, resolve};

    fn inputs(paths: &[&Path]) -> Inputs {
        let v: Vec<PathBuf> = paths.iter().map(|p| p.to_path_buf()).collect();
        resolve(&v, OutletFrom::None).unwrap()
    }

    #[test]
    fn an_output_that_is_an_input_is_refused_by_inode() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.jsonl");
        fs::write(&a, "{}\n").unwrap();
        let ins = inputs(&[&a]);
        let dotted = dir.path().join(".").join("a.jsonl");
        let e = refuse_clashes(&ins, &[Output::File(&dotted)]).unwrap_err();
        assert!(e.is_usage());
        let msg = e.to_string();
        assert!(msg.contains(&dotted.display().to_string()), "{msg}");
        assert!(msg.contains(&a.display().to_string()), "{msg}");
        let hard = dir.path().join("hard.jsonl");
        fs::hard_link(&a, &hard).unwrap();
        assert!(refuse_clashes(&ins, &[Output::File(&hard)]).is_err());
        let other = dir.path().join("b.jsonl");
        refuse_clashes(&ins, &[Output::File(&other), Output::Stdout]).unwrap();
    }

    #[test]
    fn files_of_input_folders_count() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("in/sub/x.txt");
        fs::create_dir_all(f.parent().unwrap()).unwrap();
        fs::write(&f, "text").unwrap();
        let ins = inputs(&[&dir.path().join("in")]);
        assert!(refuse_clashes(&ins, &[Output::File(&f)]).is_err());
    }

    #[test]
    fn two_outputs_of_one_name_are_refused_but_devices_may_repeat() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.jsonl");
        fs::write(&a, "{}\n").unwrap();
        let ins = inputs(&[&a]);
        let x = dir.path().join("x.jsonl");
        let x2 = dir.path().join("sub/../x.jsonl");
        fs::create_dir(dir.path().join("sub")).unwrap();
        let e = refuse_clashes(&ins, &[Output::File(&x), Output::File(&x2)]).unwrap_err();
        assert!(e.is_usage() && e.to_string().contains("same file"), "{e}");
        let null = Path::new("/dev/null");
        if null.exists() {
            refuse_clashes(&ins, &[Output::File(null), Output::File(null)]).unwrap();
        }
    }

    #[test]
    fn inputs_inside_the_output_folder_are_dropped() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("in/out")).unwrap();
        fs::write(dir.path().join("in/a.txt"), "a").unwrap();
        fs::write(dir.path().join("in/out/documents.jsonl"), "{}\n").unwrap();
        let ins = inputs(&[&dir.path().join("in")]);
        assert_eq!(ins.sources.len(), 2);
        let kept = outside_folder(ins, &dir.path().join("in/out")).unwrap();
        assert_eq!(kept.sources.len(), 1);
        assert_eq!(kept.ignored_files, 1);
        let only = inputs(&[&dir.path().join("in/out")]);
        let e = outside_folder(only, &dir.path().join("in/out")).unwrap_err();
        assert!(e.is_usage(), "{e}");
        let missing = inputs(&[&dir.path().join("in")]);
        let kept = outside_folder(missing, &dir.path().join("new")).unwrap();
        assert_eq!(kept.sources.len(), 2);
    }
}
