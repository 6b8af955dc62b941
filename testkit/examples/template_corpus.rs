//! Writes the planted-template corpus of [`neardup_testkit::templates`]
//! (default [`TemplateSpec`]) as JSON lines to standard output:
//!
//! ```text
//! cargo run --release -p neardup-testkit --example template_corpus > t.jsonl
//! ```

use neardup_testkit::{TemplateSpec, template_corpus};

fn main() {
    print!("{}", template_corpus(&TemplateSpec::default()).jsonl());
}
