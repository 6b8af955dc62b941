//! The command line, as close to the flags as possible (clap derive), and its
//! translation into the library's [`Config`].

use std::num::NonZeroUsize;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use neardup::cluster::Keep;
use neardup::config::{self, Config, OnError};
use neardup::config::{Match, PassageParams, StoryParams};
use neardup::input::{FieldNames, InputOptions, OutletFrom};
use neardup::lsh::LshParams;
use neardup::normalize::NormalizeOptions;

const EXAMPLES: &str = "\
Examples:
  neardup analyze seeds --out out
  neardup analyze feed.jsonl.gz --outlet-field site --date-field published --out out
  neardup dedup feed.jsonl -o clean.jsonl --duplicates dropped.jsonl
  cat feed.jsonl | neardup dedup - > clean.jsonl
  neardup eval --truth truth.jsonl out";

/// Finds near-duplicate articles in news text.
#[derive(Parser, Debug)]
#[command(name = "neardup", version, args_override_self = true, after_help = EXAMPLES)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Analyze a corpus: near-duplicate clusters, pairs and a summary written to a folder.
    #[command(after_help = "\
Examples:
  neardup analyze seeds --out out
  neardup analyze dump/ --outlet-from dir --keep earliest --out out
  neardup analyze a.jsonl b.jsonl.zst --on-error skip --out out   # bad lines go to out/errors.jsonl")]
    Analyze(AnalyzeArgs),
    /// Remove near-duplicates from a feed: writes the kept records.
    #[command(after_help = "\
Examples:
  neardup dedup feed.jsonl -o clean.jsonl
  neardup dedup feed.jsonl.gz --threshold 0.8 --duplicates dropped.jsonl > clean.jsonl
  zcat feed.jsonl.gz | neardup dedup - --keep longest -o clean.jsonl")]
    Dedup(DedupArgs),
    /// Measure predicted near-duplicate clusters against labelled ones.
    #[command(after_help = "\
Examples:
  neardup eval --truth truth.jsonl out               # out/documents.jsonl of analyze
  neardup eval --truth truth.jsonl dropped.jsonl     # --duplicates file of dedup
  neardup eval --truth truth.jsonl out --json")]
    Eval(EvalArgs),
    /// A persistent feed index: each batch against everything added before.
    #[command(after_help = "\
Examples:
  neardup index add --db feed.idx today.jsonl > decisions.jsonl
  neardup index add --db feed.idx today.jsonl --keep-new-only -o new.jsonl --decisions d.jsonl
  neardup index query --db feed.idx candidates.jsonl
  neardup index stats --db feed.idx
  neardup index expire --db feed.idx --older-than 30
  neardup index compact --db feed.idx
  neardup index check --db feed.idx")]
    Index(IndexArgs),
    /// Sign records for Spark (a filter): one JSON line per record with its signature and band keys.
    #[command(after_help = "\
Examples:
  neardup sign feed.jsonl > signed.jsonl
  cat feed.jsonl | neardup sign - --threshold 0.8 | head -1
  neardup sign - --keyed --on-error skip     # KEY<TAB>RECORD lines, as the Spark driver sends")]
    Sign(SignArgs),
    /// Print the PySpark driver that runs dedup on a Spark cluster.
    #[command(after_help = "\
Examples:
  neardup spark-script > neardup_spark.py
  spark-submit --master local[2] neardup_spark.py --input feed.jsonl --output out
  spark-submit --archives neardup.tar.gz#nd neardup_spark.py --input s3://b/dump/ --output s3://b/out")]
    SparkScript,
    /// One stage of the Spark driver (a filter it starts per partition).
    #[command(after_help = "\
Examples (the driver runs these; lines are tab-separated, see the README):
  neardup spark-task verify - --threshold 0.8 < candidates.tsv > verified.tsv
  neardup spark-task cluster - --threshold 0.8 < components.tsv > kept.tsv")]
    SparkTask(SparkTaskArgs),
    /// Turn a Spark job's output into dedup's outputs (kept records, --duplicates).
    #[command(after_help = "\
Examples:
  neardup apply --job out feed.jsonl -o clean.jsonl --duplicates dropped.jsonl")]
    Apply(ApplyArgs),
}

/// `neardup sign`.
#[derive(Args, Debug)]
pub struct SignArgs {
    #[command(flatten)]
    pub common: CommonArgs,

    /// Every line is KEY<TAB>RECORD; the key is echoed in the output, and a blank
    /// record gives a `blank` line (one output line per input line).
    #[arg(long)]
    pub keyed: bool,
}

/// The stage a `spark-task` runs.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum SparkStage {
    /// Candidate pairs with their signatures → verified pairs.
    Verify,
    /// Connected components (members and pairs) → each member's kept document.
    Cluster,
}

/// `neardup spark-task`.
#[derive(Args, Debug)]
pub struct SparkTaskArgs {
    /// The stage.
    #[arg(value_enum)]
    pub stage: SparkStage,

    #[command(flatten)]
    pub common: CommonArgs,
}

/// `neardup apply`.
#[derive(Args, Debug)]
pub struct ApplyArgs {
    /// The output folder of the Spark job (its `documents/` is read).
    #[arg(long, value_name = "DIR")]
    pub job: PathBuf,

    #[command(flatten)]
    pub common: CommonArgs,

    #[command(flatten)]
    pub outputs: KeptArgs,
}

/// dedup's and apply's outputs: the kept records and the dropped ones.
#[derive(Args, Debug)]
pub struct KeptArgs {
    /// Where the kept records go (default: standard output).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Write {"id","duplicate_of","similarity","measure"} for every dropped record here.
    #[arg(long, value_name = "FILE")]
    pub duplicates: Option<PathBuf>,
}

/// `neardup index`.
#[derive(Args, Debug)]
pub struct IndexArgs {
    /// What to do with the index.
    #[command(subcommand)]
    pub command: IndexCommand,
}

/// The index subcommands.
#[derive(Subcommand, Debug)]
pub enum IndexCommand {
    /// Decide each input document against the index (new or duplicate), write a JSON line per
    /// record, and add the documents (the index is created with the given parameters if missing).
    #[command(after_help = "\
Examples:
  neardup index add --db feed.idx today.jsonl > decisions.jsonl
  neardup index add --db feed.idx today.jsonl.gz --keep-new-only -o new.jsonl --decisions d.jsonl
  neardup index add --db feed.idx --threshold 0.8 first-day.jsonl   # a new index's parameters")]
    Add(IndexAddArgs),
    /// Decide without adding: the same decisions as `add --dry-run`; runs beside a writer.
    #[command(after_help = "\
Examples:
  neardup index query --db feed.idx candidates.jsonl")]
    Query(IndexAddArgs),
    /// Documents, size on disk, parameters, date range.
    Stats(DbArgs),
    /// Remove documents older than a number of days (by date, else by when they were added).
    Expire(ExpireArgs),
    /// Rewrite the index without the free pages left by `expire` (needs the index to itself).
    Compact(DbArgs),
    /// Read everything and check that documents, band keys and times agree.
    Check(DbArgs),
}

/// `--db`.
#[derive(Args, Debug)]
pub struct DbArgs {
    /// The index folder.
    #[arg(long, value_name = "PATH")]
    pub db: PathBuf,
}

/// `neardup index expire`.
#[derive(Args, Debug)]
pub struct ExpireArgs {
    /// The index folder.
    #[arg(long, value_name = "PATH")]
    pub db: PathBuf,

    /// Remove the documents whose date (else the time they were added) is older than this many days.
    #[arg(long, value_name = "DAYS")]
    pub older_than: f64,

    /// The present, instead of the clock (a date or Unix seconds).
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,

    /// Refuse instead of waiting when another process is writing the index.
    #[arg(long)]
    pub no_wait: bool,
}

/// `neardup index add` and `query`.
#[derive(Args, Debug)]
pub struct IndexAddArgs {
    /// The index folder (created by `add` if missing).
    #[arg(long, value_name = "PATH")]
    pub db: PathBuf,

    #[command(flatten)]
    pub common: CommonArgs,

    /// Write the decisions here instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub decisions: Option<PathBuf>,

    /// Decide only; the index is left as it is.
    #[arg(long)]
    pub dry_run: bool,

    /// Write the input records decided new, byte for byte, to the file of -o.
    #[arg(long, requires = "output")]
    pub keep_new_only: bool,

    /// With --keep-new-only: where the new records go.
    #[arg(short, long, value_name = "FILE", requires = "keep_new_only")]
    pub output: Option<PathBuf>,

    /// Write rejected records (with --on-error skip) and renamed ids here.
    #[arg(long, value_name = "FILE")]
    pub errors: Option<PathBuf>,

    /// Keep the documents' texts in the index too (by default only signatures and metadata).
    #[arg(long)]
    pub store_text: bool,

    /// Jaccard estimate that links a new document to a candidate's story (a new index's parameter).
    #[arg(long, value_name = "J", default_value_t = StoryParams::default().threshold)]
    pub story_threshold: f64,

    /// Dated documents further apart than this many days share no story (a new index's parameter).
    #[arg(long, value_name = "DAYS", default_value_t = StoryParams::default().window_days)]
    pub window: f64,

    /// The time of the batch, instead of the clock (a date or Unix seconds): when its documents
    /// are first seen. For replaying old feeds and for reproducible output.
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,

    /// Refuse instead of waiting when another process is writing the index.
    #[arg(long)]
    pub no_wait: bool,
}

impl IndexAddArgs {
    /// The configuration (validated by the library).
    pub fn to_config(&self) -> Result<Config, String> {
        let mut config = self.common.to_config()?;
        if config.keep != Keep::First {
            return Err("--keep: an index keeps the first document seen (the feed's order)".into());
        }
        config.stories.threshold = self.story_threshold;
        config.stories.window_days = self.window;
        Ok(config)
    }
}

/// Options shared by analyze and dedup.
#[derive(Args, Debug)]
pub struct CommonArgs {
    /// Files (.txt, .md, .jsonl, .ndjson, optionally .gz/.zst), folders (walked
    /// recursively in sorted order) or `-` for JSONL on standard input.
    #[arg(value_name = "INPUT", required = true)]
    pub inputs: Vec<PathBuf>,

    /// Near-duplicate threshold: Jaccard similarity of character-shingle sets.
    #[arg(long, value_name = "J", default_value_t = config::DEFAULT_THRESHOLD)]
    pub threshold: f64,

    /// Containment threshold: a document is also a near-duplicate of a longer one
    /// that holds this share of its shingles (a trimmed or re-furnished copy);
    /// 0 = Jaccard only.
    #[arg(long, value_name = "C", default_value_t = config::DEFAULT_CONTAINMENT)]
    pub containment: f64,

    /// Shingle size in characters.
    #[arg(long, value_name = "K", default_value_t = config::DEFAULT_SHINGLE)]
    pub shingle: usize,

    /// MinHash slots per signature.
    #[arg(long, value_name = "N", default_value_t = config::DEFAULT_NUM_PERM)]
    pub num_perm: usize,

    /// LSH bands (with --rows; default: derived from the threshold).
    #[arg(long, value_name = "B", requires = "rows")]
    pub bands: Option<usize>,

    /// LSH rows per band (with --bands).
    #[arg(long, value_name = "R", requires = "bands")]
    pub rows: Option<usize>,

    /// Slots of the finer signature that decides pairs close to the threshold (made
    /// beside the coarse one in the same read; 0 = decide on --num-perm slots alone).
    #[arg(long, value_name = "N", default_value_t = config::DEFAULT_REFINE)]
    pub refine: usize,

    /// Seed of all hashing.
    #[arg(long, value_name = "S", default_value_t = config::DEFAULT_SEED)]
    pub seed: u64,

    /// Worker threads, 1 to 1024 (default: all cores). Output does not depend on it.
    #[arg(short = 'j', long, value_name = "N", value_parser = parse_threads)]
    pub threads: Option<NonZeroUsize>,

    /// Which document of a near-duplicate cluster is kept.
    #[arg(long, value_enum, default_value_t = KeepArg::First)]
    pub keep: KeepArg,

    /// What to do with a bad record: stop with its file:line, or skip it and report it.
    #[arg(long, value_enum, value_name = "MODE", default_value_t = OnErrorArg::Fail)]
    pub on_error: OnErrorArg,

    /// No progress bars and no summary line on standard error.
    #[arg(short, long)]
    pub quiet: bool,

    /// Report progress on standard error even when it is not a terminal (a
    /// log file, a batch job): a line when each stage starts and ends, and
    /// every 10 seconds how far it got, with an estimated time left.
    #[arg(long, conflicts_with = "quiet")]
    pub progress: bool,

    /// Print where the time went (wall time per stage) on standard error.
    #[arg(long)]
    pub profile: bool,

    /// JSON field holding the document id (a string or an integer).
    #[arg(long, value_name = "NAME", default_value = "id")]
    pub id_field: String,

    /// JSON field holding the text.
    #[arg(long, value_name = "NAME", default_value = "text")]
    pub text_field: String,

    /// JSON field holding the outlet (falls back to `outlet`, then the url's host).
    #[arg(long, value_name = "NAME", default_value = "source")]
    pub outlet_field: String,

    /// JSON field holding the publication date (YYYY-MM-DD[THH:MM[:SS]][zone] or Unix seconds).
    #[arg(long, value_name = "NAME", default_value = "date")]
    pub date_field: String,

    /// JSON field holding the title.
    #[arg(long, value_name = "NAME", default_value = "title")]
    pub title_field: String,

    /// JSON field holding the url.
    #[arg(long, value_name = "NAME", default_value = "url")]
    pub url_field: String,

    /// Outlet of text files: none, the parent folder's name, or the file name
    /// before its first `_` (for JSONL files: the file's stem, used for records without an outlet).
    #[arg(long, value_enum, value_name = "FROM", default_value_t = OutletFromArg::None)]
    pub outlet_from: OutletFromArg,

    /// Records larger than this many bytes are rejected without being loaded.
    #[arg(long, value_name = "BYTES", default_value_t = 16 << 20)]
    pub max_doc_bytes: u64,

    /// CSV file of `alias,outlet` lines: outlets that appear under another
    /// name count as the outlet named.
    #[arg(long, value_name = "FILE")]
    pub outlet_alias: Option<std::path::PathBuf>,

    /// Normalization rules, a comma list applied left to right from "all":
    /// all, none, a rule name to switch it on, -name to switch it off. Rules:
    /// nfkc, invisible, diacritics, tatweel, alef, alef-maqsura, ta-marbuta,
    /// persian, digits, lowercase, punctuation, whitespace.
    #[arg(long, value_name = "RULES", default_value = "all")]
    pub normalize: String,

    /// Memory for the large arrays, e.g. 8G or 512M (default: half of the machine's memory).
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub memory_limit: Option<u64>,

    /// Folder for temporary files (the copy of standard input, signatures
    /// and band files past --memory-limit).
    #[arg(long, value_name = "DIR")]
    pub temp_dir: Option<PathBuf>,
}

/// `neardup analyze`.
#[derive(Args, Debug)]
pub struct AnalyzeArgs {
    #[command(flatten)]
    pub common: CommonArgs,

    /// Output folder (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,

    /// Jaccard similarity that puts two documents in one story.
    #[arg(long, value_name = "J", default_value_t = StoryParams::default().threshold)]
    pub story_threshold: f64,

    /// Shared passage words that put two documents in one story.
    #[arg(long, value_name = "N", default_value_t = StoryParams::default().min_words)]
    pub story_words: u32,

    /// Least share of the longer document those shared words must make up.
    #[arg(long, value_name = "F", default_value_t = StoryParams::default().min_share)]
    pub story_share: f64,

    /// Dated documents further apart than this many days are never linked into a story.
    #[arg(long, value_name = "DAYS", default_value_t = StoryParams::default().window_days)]
    pub window: f64,

    /// Largest story a link may make (guard against chaining).
    #[arg(long, value_name = "N", default_value_t = StoryParams::default().max_size)]
    pub max_story: usize,

    /// Documents whose text report.html embeds at most (those of the largest
    /// stories and clusters first); keeps the page small enough for a browser.
    #[arg(long, value_name = "N", default_value_t = neardup::config::DEFAULT_REPORT_MAX_DOCS)]
    pub report_max_docs: usize,

    /// Leave the passages' text out of shared.jsonl (their byte offsets into the input remain):
    /// for dumps whose shared.jsonl would be mostly copies of the input.
    #[arg(long)]
    pub no_passage_text: bool,

    /// Least run of identical words (stock phrases excluded) that makes a shared passage on its
    /// own; reordered and reworded passages need more shared content words instead.
    #[arg(long, value_name = "N", default_value_t = PassageParams::default().min_words)]
    pub min_passage_words: u32,

    /// The loosest shared passages reported: `exact` (word for word),
    /// `reordered` (also the same words in another order) or `rewritten`
    /// (also reworded text).
    #[arg(long, value_enum, value_name = "MATCH", default_value = "rewritten")]
    pub passage_match: MatchArg,
}

impl AnalyzeArgs {
    /// The configuration, with the analyze-only options (validated by the
    /// library, once, before any input is read).
    pub fn to_config(&self) -> Result<Config, String> {
        let mut config = self.common.to_config()?;
        config.stories = StoryParams {
            threshold: self.story_threshold,
            min_words: self.story_words,
            min_share: self.story_share,
            window_days: self.window,
            max_size: self.max_story,
        };
        config.passages.min_words = self.min_passage_words;
        config.passages.loosest = match self.passage_match {
            MatchArg::Exact => Match::Exact,
            MatchArg::Reordered => Match::Reordered,
            MatchArg::Rewritten => Match::Rewritten,
        };
        config.report_max_docs = self.report_max_docs;
        config.passage_text = !self.no_passage_text;
        Ok(config)
    }
}

/// `neardup dedup`.
#[derive(Args, Debug)]
pub struct DedupArgs {
    #[command(flatten)]
    pub common: CommonArgs,

    #[command(flatten)]
    pub outputs: KeptArgs,

    /// Write rejected records (with --on-error skip) and renamed ids here.
    #[arg(long, value_name = "FILE")]
    pub errors: Option<PathBuf>,
}

/// `neardup eval`.
#[derive(Args, Debug)]
pub struct EvalArgs {
    /// JSONL of {"id","cluster"}: documents with the same cluster are duplicates.
    #[arg(long, value_name = "FILE")]
    pub truth: PathBuf,

    /// An analyze output folder, its documents.jsonl, or a dedup --duplicates file.
    #[arg(value_name = "DIR_OR_FILE")]
    pub predicted: PathBuf,

    /// Print the metrics as JSON.
    #[arg(long)]
    pub json: bool,
}

/// `--keep`.
#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum KeepArg {
    /// The first in input order.
    First,
    /// The earliest date (undated last), then input order.
    Earliest,
    /// The most text, then input order.
    Longest,
}

/// `--passage-match`.
#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum MatchArg {
    /// Word for word only.
    Exact,
    /// Also the same words in another order.
    Reordered,
    /// Also reworded text.
    Rewritten,
}

/// `--on-error`.
#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum OnErrorArg {
    /// Stop at the first bad record.
    Fail,
    /// Skip bad records and report them.
    Skip,
}

/// `--outlet-from`.
#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum OutletFromArg {
    /// No outlet.
    None,
    /// The parent folder's name.
    Dir,
    /// From the file name.
    Stem,
}

/// The flag of each configuration parameter that the library's messages
/// name (in backticks, as `Config`'s field path).
const FLAGS: &[(&str, &str)] = &[
    ("threshold", "--threshold"),
    ("containment", "--containment"),
    ("shingle", "--shingle"),
    ("num_perm", "--num-perm"),
    ("bands", "--bands"),
    ("rows", "--rows"),
    ("refine", "--refine"),
    ("seed", "--seed"),
    ("memory_limit", "--memory-limit"),
    ("report_max_docs", "--report-max-docs"),
    ("stories.threshold", "--story-threshold"),
    ("stories.min_words", "--story-words"),
    ("stories.min_share", "--story-share"),
    ("stories.window_days", "--window"),
    ("stories.max_size", "--max-story"),
    ("passages.min_words", "--min-passage-words"),
    ("input.max_doc_bytes", "--max-doc-bytes"),
    ("input.fields.id", "--id-field"),
    ("input.fields.text", "--text-field"),
    ("input.fields.outlet", "--outlet-field"),
    ("input.fields.date", "--date-field"),
    ("input.fields.title", "--title-field"),
    ("input.fields.url", "--url-field"),
];

/// A library message with the parameters it names (`` `num_perm` ``) given
/// as the flags that set them (`--num-perm`).
pub fn with_flags(message: &str) -> String {
    let mut out = message.to_string();
    for (name, flag) in FLAGS {
        out = out.replace(&format!("`{name}`"), flag);
    }
    out
}

/// Most worker threads `--threads` accepts: far more than any machine has
/// cores (each thread costs a stack and a share of the block buffers).
pub const MAX_THREADS: usize = 1024;

/// Parses `--threads`: a number from 1 to [`MAX_THREADS`].
fn parse_threads(s: &str) -> Result<NonZeroUsize, String> {
    let n: usize = s
        .trim()
        .parse()
        .map_err(|_| format!("`{s}` is not a number of threads"))?;
    NonZeroUsize::new(n)
        .filter(|n| n.get() <= MAX_THREADS)
        .ok_or_else(|| format!("must be between 1 and {MAX_THREADS}, got {n}"))
}

/// Parses `8G`, `512M`, `1.5G`, `64K` or a number of bytes.
fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let (num, mult) = match t.char_indices().last() {
        Some((i, 'k' | 'K')) => (&t[..i], 1u64 << 10),
        Some((i, 'm' | 'M')) => (&t[..i], 1 << 20),
        Some((i, 'g' | 'G')) => (&t[..i], 1 << 30),
        Some((i, 't' | 'T')) => (&t[..i], 1 << 40),
        _ => (t, 1),
    };
    let v: f64 = num
        .parse()
        .map_err(|_| format!("`{s}` is not a size (e.g. 8G, 512M or bytes)"))?;
    if v.is_nan() || v <= 0.0 {
        return Err(format!("`{s}` must be more than 0"));
    }
    Ok((v * mult as f64) as u64)
}

/// Half of the machine's memory (from /proc/meminfo), or 4 GiB if unknown.
fn default_memory_limit() -> u64 {
    std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .find(|l| l.starts_with("MemTotal:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .map_or(4 << 30, |kb| kb * 1024 / 2)
}

impl CommonArgs {
    /// The library configuration (validated by the library, once, before any
    /// input is read); usage errors of the flags themselves as messages.
    pub fn to_config(&self) -> Result<Config, String> {
        let normalize =
            NormalizeOptions::parse(&self.normalize).map_err(|e| format!("--normalize: {e}"))?;
        let lsh = match (self.bands, self.rows) {
            (Some(bands), Some(rows)) => Some(LshParams { bands, rows }),
            _ => None,
        };
        let outlet_aliases = match &self.outlet_alias {
            Some(path) => neardup::input::OutletAliases::read(path)
                .map_err(|e| format!("--outlet-alias: {e}"))?,
            None => neardup::input::OutletAliases::default(),
        };
        let config = Config {
            input: InputOptions {
                fields: FieldNames {
                    id: self.id_field.clone(),
                    text: self.text_field.clone(),
                    outlet: self.outlet_field.clone(),
                    date: self.date_field.clone(),
                    title: self.title_field.clone(),
                    url: self.url_field.clone(),
                },
                outlet_from: self.outlet_from(),
                max_doc_bytes: self.max_doc_bytes,
                outlet_aliases,
            },
            normalize,
            shingle: self.shingle,
            num_perm: self.num_perm,
            seed: self.seed,
            threshold: self.threshold,
            containment: self.containment,
            lsh,
            refine: self.refine,
            keep: match self.keep {
                KeepArg::First => Keep::First,
                KeepArg::Earliest => Keep::Earliest,
                KeepArg::Longest => Keep::Longest,
            },
            on_error: match self.on_error {
                OnErrorArg::Fail => OnError::Fail,
                OnErrorArg::Skip => OnError::Skip,
            },
            temp_dir: self.temp_dir.clone(),
            memory_limit: self.memory_limit.unwrap_or_else(default_memory_limit),
            ..Config::default()
        };
        Ok(config)
    }

    /// `--outlet-from` for the library.
    pub fn outlet_from(&self) -> OutletFrom {
        match self.outlet_from {
            OutletFromArg::None => OutletFrom::None,
            OutletFromArg::Dir => OutletFrom::Dir,
            OutletFromArg::Stem => OutletFrom::Stem,
        }
    }
}

#[cfg(test)]
mod tests;
