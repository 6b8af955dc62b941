//! The `neardup` command: parse, configure, run, map the result to an exit
//! status (0 success, 1 error in the data or the run, 2 wrong usage).

mod args;
mod bars;

use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser;

use args::{Cli, Command, CommonArgs};
use bars::Bars;
use neardup::dedup::{DedupOutputs, dedup};
use neardup::report::AtomicFile;
use neardup::{Config, Error};

/// Exit status of a usage error.
const USAGE: u8 = 2;
/// Exit status of a data or run error.
const FAILURE: u8 = 1;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // A closed pipe (`neardup dedup x | head`) is not a failure.
            if let neardup::ErrorKind::Io { source, .. } = e.kind()
                && source.kind() == io::ErrorKind::BrokenPipe
            {
                return ExitCode::SUCCESS;
            }
            eprintln!("neardup: {e}");
            ExitCode::from(if e.is_usage() { USAGE } else { FAILURE })
        }
    }
}

/// Validates the shared options and sets up the thread pool, before any
/// input is read.
fn prepare(
    common: &CommonArgs,
    config: Result<Config, String>,
) -> Result<(Config, neardup::input::Inputs), Error> {
    let config = config.map_err(Error::usage)?;
    if let Some(n) = common.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n.get())
            .build_global()
            .map_err(|e| Error::other(format!("cannot start {n} threads: {e}")))?;
    }
    let inputs = neardup::input::resolve(&common.inputs, common.outlet_from())?;
    Ok((config, inputs))
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

fn run(cli: Cli) -> Result<(), Error> {
    match cli.command {
        Command::Analyze(a) => {
            let (config, inputs) = prepare(&a.common, a.to_config())?;
            let bars = Bars::new(a.common.quiet);
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
                     {} stories, {} shared passages; wrote {}",
                    c.read,
                    c.ok,
                    c.empty,
                    c.rejected,
                    c.clusters,
                    c.duplicates,
                    c.stories,
                    c.passages,
                    a.out.display()
                );
            }
            Ok(())
        }
        Command::Dedup(d) => {
            let (config, inputs) = prepare(&d.common, d.common.to_config())?;
            let bars = Bars::new(d.common.quiet);
            let duplicates = d.duplicates.as_ref().map(AtomicFile::create).transpose()?;
            let errors = d.errors.as_ref().map(AtomicFile::create).transpose()?;
            let summary = match &d.output {
                Some(path) => {
                    let mut file = AtomicFile::create(path)?;
                    let s = dedup(
                        &config,
                        inputs,
                        DedupOutputs {
                            kept: &mut file,
                            duplicates,
                            errors,
                        },
                        &bars,
                    )?;
                    file.commit()?;
                    s
                }
                None => {
                    let stdout = io::stdout();
                    let mut out = io::BufWriter::with_capacity(1 << 20, stdout.lock());
                    let s = dedup(
                        &config,
                        inputs,
                        DedupOutputs {
                            kept: &mut out,
                            duplicates,
                            errors,
                        },
                        &bars,
                    )?;
                    out.flush().map_err(|e| Error::io("<stdout>", e))?;
                    s
                }
            };
            if !d.common.quiet {
                eprintln!("{summary}");
            }
            if d.common.profile {
                let stages: Vec<(String, f64)> = summary
                    .timings
                    .0
                    .iter()
                    .map(|(s, t)| (s.clone(), t.as_secs_f64()))
                    .collect();
                print_profile(&stages, summary.input.input_bytes, summary.read);
            }
            Ok(())
        }
        Command::Eval(e) => {
            let q = neardup::eval::evaluate(&e.truth, &e.predicted)?;
            let mut out = io::stdout().lock();
            let text = if e.json {
                serde_json::to_string_pretty(&q).map_err(|e| Error::other(e.to_string()))?
            } else {
                q.to_string()
            };
            writeln!(out, "{text}").map_err(|e| Error::io("<stdout>", e))
        }
    }
}
