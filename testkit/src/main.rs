//! The `neardup-testkit` command (a development tool, not published):
//! `neardup-testkit generate` writes a synthetic corpus with planted
//! near-duplicates for tests, evaluation and benchmarks. Exit status: 0
//! success, 1 error in the run, 2 wrong usage.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use neardup::Error;
use neardup_testkit::{DedupSpec, Script, write_dedup_corpus};

/// Exit status of a usage error.
const USAGE: u8 = 2;
/// Exit status of a run error.
const FAILURE: u8 = 1;

/// Development tools of neardup: synthetic corpora with known answers.
#[derive(Parser, Debug)]
#[command(name = "neardup-testkit", version, args_override_self = true)]
struct Cli {
    /// What to do.
    #[command(subcommand)]
    command: Command,
}

/// The subcommands.
#[derive(Subcommand, Debug)]
enum Command {
    /// Generate a synthetic corpus with planted near-duplicates (for tests and benchmarks).
    #[command(after_help = "\
Examples:
  neardup-testkit generate --docs 100000 --out g100k
  neardup-testkit generate --docs 10000 --scripts latin --seed 1 --threshold 0.8 --out g")]
    Generate(GenerateArgs),
}

/// `neardup-testkit generate`.
#[derive(Args, Debug)]
struct GenerateArgs {
    /// Number of documents.
    #[arg(long, value_name = "N", default_value_t = 10_000)]
    docs: usize,

    /// Output folder: corpus.jsonl, truth.jsonl and planted.jsonl.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,

    /// Seed of the generator.
    #[arg(long, value_name = "S", default_value_t = 1)]
    seed: u64,

    /// Share of documents that are edited copies of another.
    #[arg(long, value_name = "F", default_value_t = 0.3)]
    dup_fraction: f64,

    /// Scripts: all, or a comma list of latin, arabic, cyrillic, cjk.
    #[arg(long, value_name = "LIST", default_value = "all")]
    scripts: String,

    /// A copy is in its original's truth cluster when their Jaccard is at least this.
    #[arg(long, value_name = "J", default_value_t = neardup::config::DEFAULT_THRESHOLD)]
    threshold: f64,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Generate(g) => generate(g),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("neardup-testkit: {e}");
            ExitCode::from(if e.is_usage() { USAGE } else { FAILURE })
        }
    }
}

fn generate(g: GenerateArgs) -> Result<(), Error> {
    let spec = DedupSpec {
        docs: g.docs,
        seed: g.seed,
        dup_fraction: g.dup_fraction,
        scripts: Script::parse_list(&g.scripts).map_err(Error::usage)?,
        threshold: g.threshold,
        ..DedupSpec::default()
    };
    spec.validate().map_err(Error::usage)?;
    std::fs::create_dir_all(&g.out).map_err(|e| Error::io(&g.out, e))?;
    let stats = write_dedup_corpus(&spec, &g.out).map_err(|e| Error::io(&g.out, e))?;
    eprintln!(
        "wrote {} documents ({} originals, {} copies, {} in their original's cluster, {} bytes) to {}",
        stats.docs,
        stats.originals,
        stats.copies,
        stats.clustered_copies,
        stats.corpus_bytes,
        g.out.display()
    );
    Ok(())
}
