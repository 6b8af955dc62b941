//! The `neardup` command: parse, configure, run, map the result to an exit
//! status ([`Exit`]). Everything else is the library's.

mod args;
mod bars;
mod index;
mod spark;

/// mimalloc: the passage stage of a large corpus makes and frees millions
/// of vectors a batch from two threads, where glibc's allocator spent a
/// tenth of the time.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::io::{self, Write};
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

use args::{AnalyzeArgs, Cli, Command, CommonArgs, DedupArgs, EvalArgs, with_flags};
use bars::Bars;
use neardup::Error;
use neardup::dedup::{DedupOutputs, dedup};
use neardup::input::Inputs;

/// The exit status of a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Exit {
    /// Done (standard output closed by its reader included:
    /// `neardup dedup x | head`; the library finishes the other outputs).
    Success = 0,
    /// An error in the data or the run.
    Failure = 1,
    /// Wrong usage: options that cannot work together, a missing input.
    Usage = 2,
}

impl Exit {
    /// The status for a library error, with its message on standard error
    /// (parameters named by their flags).
    fn of(e: &Error) -> Exit {
        eprintln!("neardup: {}", with_flags(&e.to_string()));
        if e.is_usage() {
            Exit::Usage
        } else {
            Exit::Failure
        }
    }
}

fn main() -> ExitCode {
    let matches = Cli::command().get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    // The index subcommand's own matches, to tell given flags from defaults.
    let index_matches = matches
        .subcommand_matches("index")
        .and_then(|m| m.subcommand())
        .map(|(_, m)| m.clone());
    let exit = match run(cli, index_matches.as_ref()) {
        Ok(()) => Exit::Success,
        Err(e) => Exit::of(&e),
    };
    ExitCode::from(exit as u8)
}

fn run(cli: Cli, index_matches: Option<&clap::ArgMatches>) -> Result<(), Error> {
    match cli.command {
        Command::Analyze(a) => analyze(&a),
        Command::Dedup(d) => dedup_command(&d),
        Command::Eval(e) => eval(&e),
        Command::Index(i) => index::run(&i.command, index_matches),
        Command::Sign(a) => spark::sign(&a),
        Command::SparkScript => spark::script(),
        Command::SparkTask(a) => spark::task(&a),
        Command::Apply(a) => spark::apply(&a),
    }
}

/// Sets up the thread pool and finds the inputs (no input is read yet).
pub(crate) fn prepare(common: &CommonArgs) -> Result<Inputs, Error> {
    start_threads(common)?;
    neardup::input::resolve(&common.inputs, common.outlet_from())
}

/// Sets up the thread pool of `--threads`.
pub(crate) fn start_threads(common: &CommonArgs) -> Result<(), Error> {
    if let Some(n) = common.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n.get())
            .build_global()
            .map_err(|e| Error::other(format!("cannot start {n} threads: {e}")))?;
    }
    Ok(())
}

fn analyze(a: &AnalyzeArgs) -> Result<(), Error> {
    let config = a.to_config().map_err(Error::usage)?;
    let inputs = prepare(&a.common)?;
    let bars = Bars::new(a.common.quiet, a.common.progress);
    let summary = neardup::analyze::analyze(&config, inputs, &a.out, &bars)?;
    if a.common.profile {
        let stages: Vec<(String, f64)> = summary
            .timings
            .iter()
            .map(|t| (t.stage.clone(), t.seconds))
            .collect();
        print_profile(&stages, summary.input.input_bytes, summary.counts.read);
    }
    if !a.common.quiet {
        let c = &summary.counts;
        eprintln!(
            "read {} = ok {} + empty {} + rejected {}; {} near-duplicate clusters ({} duplicates), \
             {} stories (largest {}, {} split at --max-story), {} shared passages; wrote {}",
            c.read,
            c.ok,
            c.empty,
            c.rejected,
            c.clusters,
            c.duplicates,
            c.stories,
            c.largest_story,
            summary.story_guard.split_components,
            c.passages,
            a.out.display()
        );
    }
    Ok(())
}

fn dedup_command(d: &DedupArgs) -> Result<(), Error> {
    let config = d.common.to_config().map_err(Error::usage)?;
    let inputs = prepare(&d.common)?;
    let bars = Bars::new(d.common.quiet, d.common.progress);
    let outputs = DedupOutputs {
        kept: d.outputs.output.as_deref(),
        duplicates: d.outputs.duplicates.as_deref(),
        errors: d.errors.as_deref(),
    };
    let summary = dedup(&config, inputs, outputs, &bars)?;
    // A reader that closed standard output early wants no more: no summary.
    if !d.common.quiet && !summary.stdout_closed {
        eprintln!("{summary}");
    }
    if d.common.profile {
        print_timings(&summary.timings, summary.input.input_bytes, summary.read);
    }
    Ok(())
}

fn eval(e: &EvalArgs) -> Result<(), Error> {
    let q = neardup::eval::evaluate(&e.truth, &e.predicted)?;
    let mut out = io::stdout().lock();
    let text = if e.json {
        serde_json::to_string_pretty(&q).map_err(|e| Error::other(e.to_string()))?
    } else {
        q.to_string()
    };
    match writeln!(out, "{text}").and_then(|()| out.flush()) {
        // Closed by its reader (`| head`): it has what it wanted.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        r => r.map_err(|e| Error::io("standard output", e)),
    }
}

/// `--profile` of a run's [`Timings`](neardup::timings::Timings).
pub(crate) fn print_timings(timings: &neardup::timings::Timings, input_bytes: u64, records: u64) {
    let stages: Vec<(String, f64)> = timings
        .0
        .iter()
        .map(|(s, t)| (s.clone(), t.as_secs_f64()))
        .collect();
    print_profile(&stages, input_bytes, records);
}

/// `--profile`: wall time per stage, its share, and the input throughput.
fn print_profile(stages: &[(String, f64)], input_bytes: u64, records: u64) {
    let total: f64 = stages.iter().map(|(_, t)| t).sum();
    eprintln!("{:<24} {:>9} {:>6}", "stage", "seconds", "share");
    for (stage, t) in stages {
        eprintln!("{stage:<24} {t:>9.3} {:>5.1}%", 100.0 * t / total.max(1e-9));
    }
    eprintln!(
        "{:<24} {total:>9.3}        {:.1} MB/s, {:.0} records/s",
        "total",
        input_bytes as f64 / 1e6 / total.max(1e-9),
        records as f64 / total.max(1e-9)
    );
}
