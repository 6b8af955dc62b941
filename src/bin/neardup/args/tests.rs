//! Parse tests of every flag, and of the translation into `Config`.

use super::*;
use clap::CommandFactory;

fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
    Cli::try_parse_from(std::iter::once("neardup").chain(args.iter().copied()))
}

fn common(args: &[&str]) -> CommonArgs {
    let mut all = vec!["dedup"];
    all.extend_from_slice(args);
    match parse(&all).unwrap().command {
        Command::Dedup(d) => d.common,
        other => panic!("{other:?}"),
    }
}

#[test]
fn cli_is_well_formed() {
    Cli::command().debug_assert();
}

#[test]
fn defaults() {
    let c = common(&["feed.jsonl"]).to_config().unwrap();
    assert_eq!(c.threshold, config::DEFAULT_THRESHOLD);
    assert_eq!(c.num_perm, 128);
    assert_eq!(c.shingle, 5);
    assert_eq!(c.keep, Keep::First);
    assert_eq!(c.on_error, OnError::Fail);
    assert_eq!(c.lsh, None);
    assert_eq!(c.input.fields.outlet, "source");
}

#[test]
fn threshold_shingle_num_perm_seed() {
    let c = common(&[
        "x",
        "--threshold",
        "0.9",
        "--shingle",
        "7",
        "--num-perm",
        "256",
        "--seed",
        "3",
    ])
    .to_config()
    .unwrap();
    assert_eq!(
        (c.threshold, c.shingle, c.num_perm, c.seed),
        (0.9, 7, 256, 3)
    );
    let e = common(&["x", "--threshold", "2"])
        .to_config()
        .unwrap()
        .validate()
        .unwrap_err();
    assert_eq!(
        with_flags(&e.to_string()),
        "--threshold must be in (0, 1], got 2"
    );
}

#[test]
fn bands_need_rows() {
    assert!(parse(&["dedup", "x", "--bands", "16"]).is_err());
    let c = common(&["x", "--bands", "16", "--rows", "8"])
        .to_config()
        .unwrap();
    assert_eq!(c.lsh, Some(LshParams { bands: 16, rows: 8 }));
    let e = common(&["x", "--bands", "16", "--rows", "9"])
        .to_config()
        .unwrap()
        .validate()
        .unwrap_err();
    assert!(e.is_usage());
    assert!(with_flags(&e.to_string()).starts_with("--bands 16 x --rows 9 must"));
}

#[test]
fn keep_on_error_outlet_from_threads() {
    let a = common(&[
        "x",
        "--keep",
        "longest",
        "--on-error",
        "skip",
        "--outlet-from",
        "dir",
        "-j",
        "2",
    ]);
    let c = a.to_config().unwrap();
    assert_eq!(c.keep, Keep::Longest);
    assert_eq!(c.on_error, OnError::Skip);
    assert_eq!(c.input.outlet_from, OutletFrom::Dir);
    assert_eq!(a.threads.map(|t| t.get()), Some(2));
    for bad in ["0", "1025", "100000", "x"] {
        assert!(parse(&["dedup", "x", "-j", bad]).is_err(), "-j {bad}");
    }
    assert!(parse(&["dedup", "x", "-j", "1024"]).is_ok());
    assert!(parse(&["dedup", "x", "-j", "0"]).is_err());
    assert!(parse(&["dedup", "x", "--keep", "newest"]).is_err());
}

#[test]
fn field_names_and_normalize() {
    let c = common(&[
        "x",
        "--text-field",
        "body",
        "--id-field",
        "uid",
        "--normalize",
        "all,-digits",
    ])
    .to_config()
    .unwrap();
    assert_eq!(c.input.fields.text, "body");
    assert_eq!(c.input.fields.id, "uid");
    assert!(common(&["x", "--normalize", "bogus"]).to_config().is_err());
}

#[test]
fn memory_limit() {
    assert_eq!(parse_size("8G"), Ok(8 << 30));
    assert_eq!(parse_size("512m"), Ok(512 << 20));
    assert_eq!(parse_size("1.5G"), Ok(3 << 29));
    assert_eq!(parse_size("1000"), Ok(1000));
    assert!(parse_size("lots").is_err());
    assert!(parse_size("0").is_err());
    let c = common(&["x", "--memory-limit", "2G"]).to_config().unwrap();
    assert_eq!(c.memory_limit, 2 << 30);
    assert!(common(&["x"]).to_config().unwrap().memory_limit > 0);
}

#[test]
fn profile_and_quiet() {
    let a = common(&["x", "--profile", "-q"]);
    assert!(a.profile && a.quiet);
    assert!(!common(&["x"]).profile);
}

#[test]
fn last_flag_wins() {
    let c = common(&["x", "--threshold", "0.5", "--threshold", "0.6"])
        .to_config()
        .unwrap();
    assert_eq!(c.threshold, 0.6);
}

#[test]
fn library_messages_name_flags() {
    let bad: [&[&str]; 9] = [
        &["--shingle", "0"],
        &["--num-perm", "1"],
        &["--story-threshold", "0"],
        &["--window=-1"],
        &["--max-story", "1"],
        &["--min-passage-words", "1"],
        &["--refine", "5000"],
        &["--id-field", ""],
        &["--text-field", "id"],
    ];
    for args in bad {
        let mut all = vec!["analyze", "x", "--out", "o"];
        all.extend_from_slice(args);
        let Command::Analyze(a) = parse(&all).unwrap().command else {
            panic!()
        };
        let e = a.to_config().unwrap().validate().unwrap_err();
        let msg = with_flags(&e.to_string());
        let flag = args[0].split('=').next().unwrap_or_default();
        assert!(msg.contains(flag), "{args:?}: {msg}");
        assert!(!msg.contains('`'), "{args:?}: {msg}");
    }
}
