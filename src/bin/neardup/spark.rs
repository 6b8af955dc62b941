//! `neardup sign`, `spark-script`, `spark-task` and `apply`: flags to the
//! library's [`neardup::spark`] calls.

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Write};

use neardup::Error;
use neardup::spark::{self, ApplyOutputs};

use crate::args::{ApplyArgs, CommonArgs, SignArgs, SparkStage, SparkTaskArgs};
use crate::{prepare, start_threads};

pub(crate) fn sign(a: &SignArgs) -> Result<(), Error> {
    let config = a.common.to_config().map_err(Error::usage)?;
    let inputs = prepare(&a.common)?;
    let mut out = BufWriter::with_capacity(1 << 20, io::stdout().lock());
    let summary = spark::sign(&config, inputs, a.keyed, &mut out)?;
    // A reader that closed standard output early wants no more: no summary.
    if !a.common.quiet && !summary.closed {
        eprintln!(
            "read {} = ok {} + empty {} + rejected {}",
            summary.read, summary.ok, summary.empty, summary.rejected
        );
    }
    Ok(())
}

pub(crate) fn script() -> Result<(), Error> {
    let mut out = io::stdout().lock();
    out.write_all(spark::SCRIPT.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| Error::io("standard output", e))
}

pub(crate) fn task(a: &SparkTaskArgs) -> Result<(), Error> {
    let config = a.common.to_config().map_err(Error::usage)?;
    start_threads(&a.common)?;
    let mut input = one_input(&a.common)?;
    let mut out = BufWriter::with_capacity(1 << 20, io::stdout().lock());
    match a.stage {
        SparkStage::Verify => spark::task::verify(&config, &mut *input, &mut out)?,
        SparkStage::Cluster => spark::task::cluster(&config, &mut *input, &mut out)?,
    };
    Ok(())
}

pub(crate) fn apply(a: &ApplyArgs) -> Result<(), Error> {
    let config = a.common.to_config().map_err(Error::usage)?;
    let inputs = prepare(&a.common)?;
    let outputs = ApplyOutputs {
        kept: a.outputs.output.as_deref(),
        duplicates: a.outputs.duplicates.as_deref(),
    };
    let summary = spark::apply(&config, &a.job, inputs, outputs)?;
    if !a.common.quiet {
        eprintln!("{summary}");
    }
    Ok(())
}

/// The one input of a task filter: a file, or `-` for standard input.
fn one_input(common: &CommonArgs) -> Result<Box<dyn BufRead>, Error> {
    match common.inputs.as_slice() {
        [p] if p.as_os_str() == "-" => Ok(Box::new(BufReader::with_capacity(1 << 20, io::stdin()))),
        [p] => Ok(Box::new(BufReader::with_capacity(
            1 << 20,
            File::open(p).map_err(|e| Error::io(p, e))?,
        ))),
        _ => Err(Error::usage(
            "spark-task reads one INPUT (`-` for standard input)",
        )),
    }
}
