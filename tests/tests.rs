//! End-to-end tests: each runs the real `neardup` binary on files written to a
//! temporary folder, or on the project's seed articles.

mod util;

// Command-line behaviour: help, usage errors, exit statuses.
mod cli;
// Bad input, per SPEC.md: messages, exit statuses, accounting under skip.
mod input;
// Inputs that could hang a run or make it lie: pipes, devices, endless lines,
// names that are not UTF-8, corrupt compressed streams, BOMs, stale spools.
mod hostile_input;
// Parquet input: rows read as JSON lines, bad files.
mod parquet;
// `neardup analyze` outputs on seeds and small corpora.
mod analyze;
// `neardup dedup` outputs.
mod dedup;
// Outputs that cannot hurt: temporary files, output = input, closed pipes.
mod outputs;
// The seed corpus expectations of SPEC.md.
mod seeds;
// Near-duplicate quality on generated corpora with planted copies.
mod generated;
// Shared-passage quality on generated news corpora with planted reuse,
// stock phrases and boilerplate (the acceptance bars).
mod passages;
// `neardup index`: the persistent feed index.
mod index;
// The Spark path: sign, spark-task, apply, and the driver on local[2].
mod spark;
// report.html in headless Chromium.
mod report;
