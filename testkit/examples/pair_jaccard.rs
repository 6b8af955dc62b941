//! Exact Jaccard (normalized 5-shingles) of every pair of text files given.
//! `cargo run --release -p neardup-testkit --example pair_jaccard -- seeds/*.txt`
fn main() {
    let files: Vec<String> = std::env::args().skip(1).collect();
    let texts: Vec<String> = files
        .iter()
        .map(|f| std::fs::read_to_string(f).expect(f))
        .collect();
    for i in 0..texts.len() {
        for j in i + 1..texts.len() {
            let jac = neardup_testkit::exact_jaccard(&texts[i], &texts[j], 5);
            println!("{:.3} {} {}", jac, files[i], files[j]);
        }
    }
}
