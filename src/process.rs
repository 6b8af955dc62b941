//! Whether another process still runs: how a run recognises the temporary
//! files of a run that was killed before it could remove them.
//!
//! Temporary files (spools of inputs, partial outputs) carry their owner's
//! process id in their name. A file is a leftover only when [`alive`] says
//! its owner is gone for sure; where that cannot be known (no `/proc`) the
//! file is kept.

use std::path::Path;

/// Whether process `pid` is alive, or `None` when that cannot be known
/// (outside Linux, or without `/proc` mounted, where every process would
/// look dead).
#[cfg(target_os = "linux")]
pub fn alive(pid: u32) -> Option<bool> {
    if !Path::new("/proc/self").exists() {
        return None;
    }
    Some(Path::new("/proc").join(pid.to_string()).exists())
}

/// Whether process `pid` is alive, or `None` when that cannot be known.
#[cfg(not(target_os = "linux"))]
pub fn alive(_pid: u32) -> Option<bool> {
    None
}

/// Removes the regular files in `dir` whose name `owner` maps to the id of
/// a process that is gone for sure (killed before it could clean up), never
/// this process's; returns how many. Files of live processes, other names
/// and anything that cannot be checked are left alone; failures are ignored
/// (the file stays, harmless).
pub fn remove_stale(dir: &Path, owner: impl Fn(&str) -> Option<u32>) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(&owner) else {
            continue;
        };
        if pid == std::process::id() || alive(pid) != Some(false) {
            continue;
        }
        let regular = entry.file_type().is_ok_and(|t| t.is_file());
        if regular && std::fs::remove_file(entry.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_os = "linux")]
    #[test]
    fn this_process_is_alive_and_a_reaped_child_is_not() {
        assert_eq!(alive(std::process::id()), Some(true));
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        assert_eq!(alive(pid), Some(false));
    }
}
