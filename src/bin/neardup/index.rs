//! `neardup index`: the subcommands of the feed index, parsed into the
//! library's calls.

use std::path::Path;

use clap::ArgMatches;
use clap::parser::ValueSource;

use crate::args::{DbArgs, ExpireArgs, IndexAddArgs, IndexCommand};
use crate::bars::Bars;
use crate::{prepare, print_timings};
use neardup::Error;
use neardup::index::{AddOptions, AddOutputs, Index, IndexParams, Target, Wait, add_inputs};

/// Runs an index subcommand; `matches` are the subcommand's own (to tell
/// the flags given from their defaults).
pub fn run(command: &IndexCommand, matches: Option<&ArgMatches>) -> Result<(), Error> {
    match command {
        IndexCommand::Add(a) => add(a, matches, a.dry_run),
        IndexCommand::Query(a) => add(a, matches, true),
        IndexCommand::Stats(d) => stats(d),
        IndexCommand::Expire(e) => expire(e),
        IndexCommand::Compact(d) => compact(d),
        IndexCommand::Check(d) => check(d),
    }
}

/// Unix seconds of `--now`, or the clock.
fn now(given: Option<&str>) -> Result<i64, Error> {
    match given {
        None => Ok(AddOptions::default().now),
        Some(s) => neardup::input::parse_date(s)
            .ok_or_else(|| Error::usage(format!("--now: `{s}` is not a date or Unix seconds"))),
    }
}

/// The id of the flag that sets index parameter `name`.
fn flag_of(name: &str) -> &str {
    match name {
        "stories.threshold" => "story_threshold",
        "stories.window_days" => "window",
        n => n,
    }
}

fn wait(no_wait: bool) -> Wait {
    if no_wait { Wait::No } else { Wait::Yes }
}

fn add(a: &IndexAddArgs, matches: Option<&ArgMatches>, dry_run: bool) -> Result<(), Error> {
    let config = a.to_config().map_err(Error::usage)?;
    config.validate()?;
    let given = IndexParams::of(&config);
    let exists = a.db.join("data.mdb").is_file();
    let opened = if exists || dry_run {
        let index = Index::open(&a.db)?;
        // Flags given on the command line must agree with the index; the
        // others take the index's values.
        let explicit = |id: &str| {
            matches.is_some_and(|m| m.value_source(id) == Some(ValueSource::CommandLine))
        };
        index.refuse_given(&given, |name| {
            let id = flag_of(name);
            explicit(id) || (matches!(id, "bands" | "rows") && explicit("threshold"))
        })?;
        Some(index)
    } else {
        None // created once the inputs are read
    };
    let config = match &opened {
        Some(index) => index.params().apply(&config)?,
        None => config,
    };
    let target = match &opened {
        Some(index) => Target::Open(index),
        None => Target::Create(&a.db),
    };
    let inputs = prepare(&a.common)?;
    let bars = Bars::new(a.common.quiet, a.common.progress);
    let options = AddOptions {
        now: now(a.now.as_deref())?,
        dry_run,
        wait: wait(a.no_wait),
    };
    let outputs = AddOutputs {
        decisions: a.decisions.as_deref(),
        new_records: a.output.as_deref(),
        errors: a.errors.as_deref(),
    };
    let summary = add_inputs(
        target,
        &config,
        inputs,
        outputs,
        &options,
        a.store_text,
        &bars,
    )?;
    if !a.common.quiet {
        eprintln!("{summary}");
    }
    if a.common.profile {
        print_timings(&summary.timings, summary.input.input_bytes, summary.read);
    }
    Ok(())
}

fn stats(d: &DbArgs) -> Result<(), Error> {
    let s = Index::open(&d.db)?.stats()?;
    let p = &s.params;
    println!("documents {}", s.documents);
    println!("band_entries {}", s.band_entries);
    println!("disk_bytes {}", s.disk_bytes);
    if let Some(per) = s.disk_bytes.checked_div(s.documents) {
        println!("bytes_per_document {per}");
    }
    match s.time_range {
        Some((a, b)) => println!(
            "time_range {} {}",
            neardup::input::timestamp(a),
            neardup::input::timestamp(b)
        ),
        None => println!("time_range none"),
    }
    println!(
        "parameters {}",
        serde_json::to_string(p).map_err(|e| Error::other(e.to_string()))?
    );
    Ok(())
}

fn expire(e: &ExpireArgs) -> Result<(), Error> {
    if !(e.older_than.is_finite() && e.older_than >= 0.0) {
        return Err(Error::usage(
            "--older-than must be a number of days, at least 0",
        ));
    }
    let cutoff = now(e.now.as_deref())? - (e.older_than * 86_400.0) as i64;
    let index = Index::open(&e.db)?;
    let removed = index.expire(cutoff, wait(e.no_wait))?;
    let left = index.stats()?.documents;
    eprintln!(
        "removed {removed} documents older than {}; {left} left",
        neardup::input::timestamp(cutoff)
    );
    Ok(())
}

fn compact(d: &DbArgs) -> Result<(), Error> {
    let (before, after) = Index::compact(&d.db)?;
    eprintln!(
        "compacted {}: {before} -> {after} bytes",
        Path::display(&d.db)
    );
    Ok(())
}

fn check(d: &DbArgs) -> Result<(), Error> {
    let r = Index::open(&d.db)?.check()?;
    println!(
        "ok: {} documents, {} band entries",
        r.documents, r.band_entries
    );
    Ok(())
}
