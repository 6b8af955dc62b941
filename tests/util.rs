//! Helpers for the end-to-end tests: a temporary folder, the real binary, and
//! readers for its outputs.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

/// The project's seed articles.
pub fn seeds() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds")
}

/// A temporary folder that files are written to and the binary runs in.
pub struct Dir {
    tmp: tempfile::TempDir,
}

impl Dir {
    pub fn new() -> Dir {
        Dir {
            tmp: tempfile::tempdir().expect("temporary folder"),
        }
    }

    pub fn path(&self) -> &Path {
        self.tmp.path()
    }

    /// Path of `name` inside the folder.
    pub fn join(&self, name: &str) -> PathBuf {
        self.tmp.path().join(name)
    }

    /// Writes `content` to `name` (creating folders).
    pub fn write(&self, name: &str, content: impl AsRef<[u8]>) -> PathBuf {
        let p = self.join(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&p, content).unwrap();
        p
    }

    /// Writes a generated corpus into folder `name` of the folder:
    /// `corpus.jsonl`, `truth.jsonl` and `planted.jsonl`, the files of
    /// `neardup-testkit generate`.
    pub fn generate(&self, name: &str, spec: &neardup_testkit::DedupSpec) {
        neardup_testkit::write_dedup_corpus(spec, &self.join(name))
            .unwrap_or_else(|e| panic!("generating {name}: {e}"));
    }

    /// `neardup ARGS` as a command to run in the folder, for runs that need
    /// their own standard streams ([`Run::of`] runs it).
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_neardup"));
        cmd.args(args).current_dir(self.path());
        cmd
    }

    /// Runs `neardup ARGS` in the folder.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with_stdin(args, None)
    }

    /// Runs `neardup ARGS | head -1` in the folder under `set -o pipefail`
    /// (a reader that closes standard output after one line).
    pub fn run_into_head(&self, args: &str) -> Output {
        Command::new("bash")
            .arg("-c")
            .arg(format!(
                "set -o pipefail; {} {args} | head -1",
                env!("CARGO_BIN_EXE_neardup")
            ))
            .current_dir(self.path())
            .output()
            .unwrap()
    }

    /// Runs `neardup ARGS` in the folder with `stdin` as standard input.
    pub fn run_with_stdin(&self, args: &[&str], stdin: Option<&[u8]>) -> Run {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_neardup"));
        cmd.args(args).current_dir(self.path());
        cmd.stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        });
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("running neardup");
        if let Some(input) = stdin {
            use std::io::Write;
            let mut pipe = child.stdin.take().unwrap();
            pipe.write_all(input).unwrap();
        }
        Run {
            output: child.wait_with_output().unwrap(),
            args: args.iter().map(|s| s.to_string()).collect(),
        }
    }
}

impl Dir {
    /// Runs `neardup ARGS` in the folder, with no standard input, and fails
    /// the test if it has not ended within `secs` seconds (it is killed).
    pub fn run_within<S: AsRef<std::ffi::OsStr>>(&self, args: &[S], secs: u64) -> Run {
        use std::io::Read;
        let mut child = Command::new(env!("CARGO_BIN_EXE_neardup"))
            .args(args)
            .current_dir(self.path())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("running neardup");
        // Drained on their own threads, so a full pipe cannot stall the run.
        let drain = |mut pipe: Box<dyn Read + Send>| {
            std::thread::spawn(move || {
                let mut bytes = Vec::new();
                let _ = pipe.read_to_end(&mut bytes);
                bytes
            })
        };
        let stdout = drain(Box::new(child.stdout.take().unwrap()));
        let stderr = drain(Box::new(child.stderr.take().unwrap()));
        let args: Vec<String> = args
            .iter()
            .map(|a| a.as_ref().to_string_lossy().into_owned())
            .collect();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if std::time::Instant::now() > deadline {
                child.kill().unwrap();
                child.wait().unwrap();
                let err = String::from_utf8_lossy(&stderr.join().unwrap()).into_owned();
                panic!("neardup {args:?} still ran after {secs} s (killed)\n--- stderr\n{err}");
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        };
        let output = Output {
            status,
            stdout: stdout.join().unwrap(),
            stderr: stderr.join().unwrap(),
        };
        Run { output, args }
    }
}

/// The result of a run.
pub struct Run {
    pub output: Output,
    args: Vec<String>,
}

impl Run {
    /// Runs `cmd` (made by [`Dir::command`]) to its end.
    pub fn of(cmd: &mut Command) -> Run {
        let args = cmd
            .get_args()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        Run {
            output: cmd.output().expect("running neardup"),
            args,
        }
    }

    pub fn code(&self) -> i32 {
        self.output.status.code().unwrap_or(-1)
    }

    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }

    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }

    /// Asserts the exit status, printing the run on failure.
    pub fn expect_code(&self, code: i32) -> &Run {
        assert_eq!(
            self.code(),
            code,
            "neardup {:?}\n--- stdout\n{}\n--- stderr\n{}",
            self.args,
            self.stdout(),
            self.stderr()
        );
        self
    }

    pub fn ok(&self) -> &Run {
        self.expect_code(0)
    }

    /// Asserts the exit status and that standard error contains every one
    /// of `needles`.
    pub fn expect_stderr(&self, code: i32, needles: &[&str]) -> &Run {
        self.expect_code(code);
        let err = self.stderr();
        for needle in needles {
            assert!(err.contains(needle), "{needle:?} not in:\n{err}");
        }
        self
    }
}

/// Reads a JSON Lines file.
pub fn read_jsonl(path: &Path) -> Vec<Value> {
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect()
}

/// Reads a JSON file.
pub fn read_json(path: &Path) -> Value {
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// A JSONL line `{"id": id, "text": text}`.
pub fn line(id: &str, text: &str) -> String {
    serde_json::json!({"id": id, "text": text}).to_string() + "\n"
}

/// Pseudo-random words (syllables and a number), deterministic.
pub fn words(seed: u64, n: usize) -> Vec<String> {
    let mut state = seed;
    (0..n)
        .map(|i| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let k = (state >> 33) as usize;
            let syll = ["ka", "lo", "mi", "ren", "tas", "vu", "zen", "pri", "dol"];
            let w: String = (0..3).map(|j| syll[(k >> (j * 4)) % syll.len()]).collect();
            // A sentence every 12 words.
            if i % 12 == 11 {
                format!("{w}{}.", k % 89)
            } else {
                format!("{w}{}", k % 89)
            }
        })
        .collect()
}
