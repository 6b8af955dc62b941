//! Turning the command line's `INPUT...` into an ordered list of [`Source`]s.
//!
//! A folder is walked recursively with its entries sorted by name (byte
//! order), so the same tree always gives the same documents in the same order.
//! Hidden entries (names starting with `.`) are skipped, symbolic links are
//! followed but a folder is never entered twice, so a link loop cannot trap the
//! walk. Files of a type we do not read are skipped inside folders and counted;
//! named explicitly on the command line they are a usage error.
//!
//! Guarantees about what the later reads may meet:
//! - inside a folder only regular files are read: a named pipe, socket or
//!   device (even one named `*.jsonl`, even behind a link) is skipped and
//!   counted with the files of other types, since reading it could block
//!   forever or never end;
//! - a named pipe or device given explicitly is read, and marked
//!   [`Source::once`], so that the scanner reads it once and replays a copy;
//! - every source's name is its path exactly: a path that is not valid UTF-8
//!   is refused rather than converted (two files would get one id, and
//!   outputs would name no file). Given explicitly it is a usage error; met
//!   in a walk it becomes a [`Source::error`] named with the bad bytes
//!   escaped ([`escape_path`]), so it follows the error policy like an
//!   unreadable file (a folder so named is refused with everything in it).

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// How a source's bytes are laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// `.txt` / `.md`: the whole file is one document.
    Text,
    /// `.jsonl` / `.ndjson`: one JSON object per line.
    Jsonl,
}

/// How a source is compressed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compression {
    /// Plain bytes.
    None,
    /// gzip (several concatenated members are read as one stream).
    Gzip,
    /// Zstandard (several frames are read as one stream).
    Zstd,
    /// A Parquet file, its rows read as JSON lines (cargo feature
    /// `parquet`).
    Parquet,
}

/// Where a text document's outlet comes from (`--outlet-from`).
///
/// For JSONL records this is only a fallback, used when a record has neither
/// the outlet field nor a `url` with a host.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OutletFrom {
    /// No outlet: every such document counts as an outlet of its own.
    #[default]
    None,
    /// The name of the folder that holds the file.
    Dir,
    /// From the file name: for a text file the part of its stem before the
    /// first `_` (`reuters_0042.txt` gives `reuters`, since the whole stem is
    /// already the document's id); for a JSONL file its whole stem
    /// (`aljazeera.jsonl.gz` gives `aljazeera`).
    Stem,
}

/// One input file (or standard input), in the order it will be read.
#[derive(Clone, Debug)]
pub struct Source {
    /// The file to read; `None` for standard input.
    pub path: Option<PathBuf>,
    /// Whether the source can be read only once (standard input, a named
    /// pipe, a device): the scanner then copies it to a spool file on the
    /// first read and replays the copy later.
    pub once: bool,
    /// How the file is named in messages and in `location.file`: the path as
    /// given on the command line, or joined below a given folder; `-` for
    /// standard input.
    pub name: String,
    /// Line-based or whole-file.
    pub format: Format,
    /// Compression of the bytes.
    pub compression: Compression,
    /// For a text file: the document id (path relative to the given folder,
    /// without the extension, `/`-separated).
    pub doc_id: Option<String>,
    /// The outlet given by `--outlet-from` for this file, if any.
    pub outlet: Option<String>,
    /// Set when the file or folder could not be read while walking: the
    /// scanner reports it as a bad record in its place.
    pub error: Option<String>,
}

/// The result of resolving the command line's inputs.
#[derive(Debug, Default)]
pub struct Inputs {
    /// Sources in reading order.
    pub sources: Vec<Source>,
    /// Files inside given folders that were skipped for their type: a name
    /// extension we do not read, or not a regular file (a named pipe, a
    /// socket, a device).
    pub ignored_files: u64,
}

/// Recognises a file's format and compression from its name, or `None` if the
/// name has no extension we read.
pub fn classify(name: &str) -> Option<(Format, Compression)> {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".parquet") {
        return Some((Format::Jsonl, Compression::Parquet));
    }
    let (rest, compression) = if let Some(r) = lower.strip_suffix(".gz") {
        (r, Compression::Gzip)
    } else if let Some(r) = lower.strip_suffix(".zst") {
        (r, Compression::Zstd)
    } else {
        (lower.as_str(), Compression::None)
    };
    if rest.ends_with(".jsonl") || rest.ends_with(".ndjson") {
        return Some((Format::Jsonl, compression));
    }
    if compression == Compression::None && (rest.ends_with(".txt") || rest.ends_with(".md")) {
        return Some((Format::Text, compression));
    }
    None
}

/// Strips the known extensions (`.jsonl.gz`, `.txt`, ...) from a file name.
fn strip_extensions(name: &str) -> &str {
    let mut s = name;
    for ext in [".gz", ".zst"] {
        if s.len() > ext.len() && s[s.len() - ext.len()..].eq_ignore_ascii_case(ext) {
            s = &s[..s.len() - ext.len()];
            break;
        }
    }
    for ext in [".jsonl", ".ndjson", ".txt", ".md"] {
        if s.len() > ext.len() && s[s.len() - ext.len()..].eq_ignore_ascii_case(ext) {
            return &s[..s.len() - ext.len()];
        }
    }
    s
}

/// `path` as text, its bytes that are not UTF-8 written `\xNN` and
/// backslashes doubled, so that two paths never look alike.
pub fn escape_path(path: &Path) -> String {
    let mut out = String::new();
    for chunk in path.as_os_str().as_encoded_bytes().utf8_chunks() {
        out.push_str(&chunk.valid().replace('\\', "\\\\"));
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02X}"));
        }
    }
    out
}

/// The reason a path that is not valid UTF-8 is refused.
fn not_utf8(folder: bool) -> String {
    let what = if folder {
        "folder name is not valid UTF-8 (bytes shown as \\xNN), so none of its files were read"
    } else {
        "file name is not valid UTF-8 (bytes shown as \\xNN)"
    };
    format!("{what}: rename it to read it")
}

/// Resolves `inputs` (files, folders, `-`) into sources.
///
/// Fails with a usage error before anything is read when an explicitly named
/// file has a type we do not read or a name that is not valid UTF-8, or `-`
/// is given twice. A path that does not
/// exist or cannot be listed is not a usage error: it becomes a [`Source`] with
/// [`Source::error`] set, reported in input order like any bad record.
pub fn resolve(inputs: &[PathBuf], outlet_from: OutletFrom) -> Result<Inputs> {
    if inputs.is_empty() {
        return Err(Error::usage("no INPUT given"));
    }
    let mut out = Inputs::default();
    let mut stdin_seen = false;
    for input in inputs {
        if input.as_os_str() == "-" {
            if stdin_seen {
                return Err(Error::usage("`-` (standard input) given more than once"));
            }
            stdin_seen = true;
            out.sources.push(Source {
                path: None,
                once: true,
                name: "-".to_string(),
                format: Format::Jsonl,
                compression: Compression::None,
                doc_id: None,
                outlet: None,
                error: None,
            });
            continue;
        }
        let Some(name) = input.to_str().map(str::to_string) else {
            let name = escape_path(input);
            return Err(Error::usage(format!("{name}: {}", not_utf8(false))));
        };
        match fs::metadata(input) {
            Ok(meta) if meta.is_dir() => {
                let mut visited = HashSet::new();
                walk(input, input, &mut visited, outlet_from, &mut out);
            }
            Ok(meta) => {
                let file_name = input
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_else(|| name.clone());
                if classify(&file_name).is_none() {
                    return Err(Error::usage(format!(
                        "{name}: unsupported file type (expected .txt, .md, .jsonl or .ndjson, \
                         the last two optionally .gz or .zst, or .parquet)"
                    )));
                }
                let id = strip_extensions(&file_name).to_string();
                let mut source = file_source(input.clone(), name, id, outlet_from);
                // A named pipe or a device: it may not be read twice.
                source.once = !meta.is_file();
                out.sources.push(source);
            }
            Err(e) => out
                .sources
                .push(failed_source(name, format!("cannot read: {e}"))),
        }
    }
    Ok(out)
}

fn failed_source(name: String, error: String) -> Source {
    Source {
        path: None,
        once: false,
        name,
        format: Format::Text,
        compression: Compression::None,
        doc_id: None,
        outlet: None,
        error: Some(error),
    }
}

/// A source for a file we know how to read; `id` is the id a text file's
/// document gets.
fn file_source(path: PathBuf, name: String, id: String, outlet_from: OutletFrom) -> Source {
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (format, compression) = classify(&file_name).unwrap_or((Format::Text, Compression::None));
    let stem = strip_extensions(&file_name);
    let outlet = match outlet_from {
        OutletFrom::None => None,
        OutletFrom::Dir => path
            .parent()
            .and_then(|p| fs::canonicalize(p).ok().or_else(|| Some(p.to_path_buf())))
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned())),
        OutletFrom::Stem => Some(match format {
            Format::Text => stem.split('_').next().unwrap_or(stem).to_string(),
            Format::Jsonl => stem.to_string(),
        }),
    }
    .filter(|s| !s.is_empty());
    Source {
        path: Some(path),
        once: false,
        name,
        format,
        compression,
        doc_id: (format == Format::Text).then_some(id),
        outlet,
        error: None,
    }
}

fn walk(
    root: &Path,
    dir: &Path,
    visited: &mut HashSet<PathBuf>,
    outlet_from: OutletFrom,
    out: &mut Inputs,
) {
    // `resolve` and `visit` refuse the paths that are not UTF-8.
    let dir_name = dir.to_string_lossy().into_owned();
    // Entering a folder twice (through a link loop or two links to one folder)
    // would read its documents twice; the canonical path identifies it.
    match fs::canonicalize(dir) {
        Ok(canon) => {
            if !visited.insert(canon) {
                return;
            }
        }
        Err(e) => {
            out.sources
                .push(failed_source(dir_name, format!("cannot read folder: {e}")));
            return;
        }
    }
    let entries = match fs::read_dir(dir) {
        Ok(rd) => rd.collect::<std::io::Result<Vec<_>>>(),
        Err(e) => Err(e),
    };
    let mut entries = match entries {
        Ok(v) => v,
        Err(e) => {
            out.sources
                .push(failed_source(dir_name, format!("cannot read folder: {e}")));
            return;
        }
    };
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        visit(root, &entry, visited, outlet_from, out);
    }
}

/// One entry of a walked folder: walked if a folder, a source if a regular
/// file of a type we read, else skipped and counted.
fn visit(
    root: &Path,
    entry: &fs::DirEntry,
    visited: &mut HashSet<PathBuf>,
    outlet_from: OutletFrom,
    out: &mut Inputs,
) {
    let file_name = entry.file_name();
    if file_name.as_encoded_bytes().starts_with(b".") {
        return;
    }
    let known = classify(&file_name.to_string_lossy()).is_some();
    let path = entry.path();
    let name = path.to_str().map(str::to_string);
    // `metadata` follows symbolic links; a dangling link is an unreadable file.
    let meta = match fs::metadata(&path) {
        Ok(m) => m,
        Err(e) => {
            if known {
                let name = name.unwrap_or_else(|| escape_path(&path));
                out.sources
                    .push(failed_source(name, format!("cannot read: {e}")));
            } else {
                out.ignored_files += 1;
            }
            return;
        }
    };
    // Only regular files are read: a pipe, socket or device could block
    // the run or never end.
    let readable = meta.is_dir() || (known && meta.is_file());
    if !readable {
        out.ignored_files += 1;
        return;
    }
    let Some(name) = name else {
        let reason = not_utf8(meta.is_dir());
        out.sources.push(failed_source(escape_path(&path), reason));
        return;
    };
    if meta.is_dir() {
        walk(root, &path, visited, outlet_from, out);
        return;
    }
    let rel = path.strip_prefix(root).unwrap_or(&path);
    let rel = rel
        .iter()
        .map(|c| c.to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    let id = strip_extensions(&rel).to_string();
    out.sources.push(file_source(path, name, id, outlet_from));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_extensions() {
        assert_eq!(classify("a.txt"), Some((Format::Text, Compression::None)));
        assert_eq!(classify("a.MD"), Some((Format::Text, Compression::None)));
        assert_eq!(
            classify("a.jsonl.gz"),
            Some((Format::Jsonl, Compression::Gzip))
        );
        assert_eq!(
            classify("a.ndjson.zst"),
            Some((Format::Jsonl, Compression::Zstd))
        );
        assert_eq!(classify("a.json"), None);
        assert_eq!(classify("a.txt.gz"), None);
        assert_eq!(strip_extensions("x/y.jsonl.gz"), "x/y");
        assert_eq!(strip_extensions("a.b.txt"), "a.b");
    }

    #[test]
    fn walks_sorted_skips_hidden_and_unknown_and_survives_link_loops() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("b/inner")).unwrap();
        fs::create_dir_all(root.join("a")).unwrap();
        fs::write(root.join("b/inner/z.txt"), "z").unwrap();
        fs::write(root.join("b/y.md"), "y").unwrap();
        fs::write(root.join("a/x.jsonl"), "").unwrap();
        fs::write(root.join("a/.hidden.txt"), "h").unwrap();
        fs::write(root.join("a/image.png"), "p").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(root, root.join("b/inner/loop")).unwrap();
        let inputs = resolve(&[root.to_path_buf()], OutletFrom::Dir).unwrap();
        let ids: Vec<_> = inputs
            .sources
            .iter()
            .map(|s| (s.doc_id.clone(), s.outlet.clone(), s.format))
            .collect();
        assert_eq!(
            ids,
            vec![
                (None, Some("a".into()), Format::Jsonl),
                (Some("b/inner/z".into()), Some("inner".into()), Format::Text),
                (Some("b/y".into()), Some("b".into()), Format::Text),
            ]
        );
        assert_eq!(inputs.ignored_files, 1);
    }

    #[test]
    fn explicit_unknown_file_is_usage_error_and_missing_file_is_a_bad_source() {
        let dir = tempfile::tempdir().unwrap();
        let png = dir.path().join("a.png");
        fs::write(&png, "x").unwrap();
        assert!(resolve(&[png], OutletFrom::None).unwrap_err().is_usage());
        let missing = dir.path().join("missing.jsonl");
        let inputs = resolve(&[missing], OutletFrom::None).unwrap();
        assert!(inputs.sources[0].error.is_some());
        let twice = [PathBuf::from("-"), PathBuf::from("-")];
        assert!(resolve(&twice, OutletFrom::None).unwrap_err().is_usage());
    }

    #[test]
    fn stem_outlets() {
        let s = file_source(
            PathBuf::from("d/reuters_0042.txt"),
            "d/reuters_0042.txt".into(),
            "reuters_0042".into(),
            OutletFrom::Stem,
        );
        assert_eq!(s.outlet.as_deref(), Some("reuters"));
        let s = file_source(
            PathBuf::from("d/al_jazeera.jsonl.gz"),
            "d/al_jazeera.jsonl.gz".into(),
            "al_jazeera".into(),
            OutletFrom::Stem,
        );
        assert_eq!(s.outlet.as_deref(), Some("al_jazeera"));
    }
    #[cfg(unix)]
    fn mkfifo(path: &Path) {
        let ok = std::process::Command::new("mkfifo").arg(path).status();
        assert!(ok.unwrap().success());
    }

    #[cfg(unix)]
    #[test]
    fn special_files_are_skipped_in_walks_and_read_once_when_given() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("feeds");
        fs::create_dir(&root).unwrap();
        fs::write(root.join("a.jsonl"), "").unwrap();
        mkfifo(&root.join("p.jsonl"));
        #[cfg(target_os = "linux")]
        std::os::unix::fs::symlink("/dev/zero", root.join("z.jsonl")).unwrap();
        let inputs = resolve(std::slice::from_ref(&root), OutletFrom::None).unwrap();
        assert_eq!(inputs.sources.len(), 1);
        assert!(!inputs.sources[0].once);
        let specials = if cfg!(target_os = "linux") { 2 } else { 1 };
        assert_eq!(inputs.ignored_files, specials);
        let given = [
            root.join("p.jsonl"),
            PathBuf::from("-"),
            root.join("a.jsonl"),
        ];
        let inputs = resolve(&given, OutletFrom::None).unwrap();
        let once: Vec<_> = inputs.sources.iter().map(|s| s.once).collect();
        assert_eq!(once, [true, true, false]);
    }

    #[cfg(unix)]
    #[test]
    fn names_that_are_not_utf8_are_refused() {
        use std::os::unix::ffi::OsStrExt;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let bad = |s: &[u8]| root.join(std::ffi::OsStr::from_bytes(s));
        fs::write(bad(b"a\xFF.jsonl"), "").unwrap();
        fs::write(bad(b"a\xFE.jsonl"), "").unwrap();
        fs::write(bad(b"b\xFF.png"), "").unwrap();
        fs::create_dir(bad(b"d\xE9")).unwrap();
        fs::write(bad(b"d\xE9/ok.txt"), "").unwrap();
        fs::write(root.join("c.txt"), "").unwrap();
        let inputs = resolve(&[root.to_path_buf()], OutletFrom::None).unwrap();
        let top = escape_path(root);
        let got: Vec<_> = inputs
            .sources
            .iter()
            .map(|s| {
                (
                    s.name.strip_prefix(&top).unwrap().to_string(),
                    s.error.is_some(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("/a\\xFE.jsonl".to_string(), true),
                ("/a\\xFF.jsonl".to_string(), true),
                ("/c.txt".to_string(), false),
                ("/d\\xE9".to_string(), true),
            ]
        );
        assert!(inputs.sources[3].error.as_ref().unwrap().contains("folder"));
        assert_eq!(inputs.ignored_files, 1);
        let err = resolve(&[bad(b"a\xFF.jsonl")], OutletFrom::None).unwrap_err();
        assert!(err.is_usage());
        assert!(
            err.to_string()
                .contains("a\\xFF.jsonl: file name is not valid UTF-8")
        );
        assert_eq!(escape_path(Path::new("a\\b")), "a\\\\b");
    }
}
