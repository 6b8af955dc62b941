//! `report.html`: one self-contained file assembled from the templates in
//! `src/report/html/` (real HTML, CSS and JavaScript files, included at
//! compile time; the script is split over `html/js/`, see the `JS` constant)
//! and the report data ([`super::model`]).
//!
//! The template holds three placeholders, `/*NEARDUP_CSS*/` inside a
//! `<style>`, `/*NEARDUP_JS*/` inside a `<script>` and `/*NEARDUP_DATA*/`
//! inside `<script type="application/json" id="neardup-data">`; they are
//! replaced verbatim, in one pass in template order, so a placeholder-like
//! string inside the data or the script is never replaced again. The data is
//! escaped with [`escape_json_for_script`], so no text of an article can end
//! the script element: the page builds its DOM with `textContent`, so an
//! article containing `<script>` displays as text. A strict
//! Content-Security-Policy forbids every network request.

const TEMPLATE: &str = include_str!("html/report.html");
const CSS: &str = include_str!("html/report.css");
/// The script: one function split by concern into the files of `html/js/`,
/// concatenated in this order with nothing between them. Each file is a
/// fragment (the first opens the function, the last closes it and starts
/// the page), so only the whole is valid JavaScript:
///
/// - `data.js`: decoding the embedded data, indexes, formatting and DOM helpers;
/// - `routing.js`: the URL-hash router, breadcrumbs, pagers, the overview and
///   the story and cluster lists;
/// - `heatmap.js`: the outlet-by-outlet heatmap and the tooltip;
/// - `outlets.js`: boilerplate, the outlet list and page, a pair of outlets;
/// - `highlight.js`: shared-passage marks in texts, jumping between their
///   sides, the passage popover, scrolling to a target;
/// - `pages.js`: the story or cluster page, the document page, the comparison
///   of two documents;
/// - `search.js`: the search index and results;
/// - `keyboard.js`: keyboard navigation and start-up.
const JS: &str = concat!(
    include_str!("html/js/data.js"),
    include_str!("html/js/routing.js"),
    include_str!("html/js/heatmap.js"),
    include_str!("html/js/outlets.js"),
    include_str!("html/js/highlight.js"),
    include_str!("html/js/pages.js"),
    include_str!("html/js/search.js"),
    include_str!("html/js/keyboard.js"),
);

/// Makes JSON safe inside a `<script>` element: `<` becomes `\u003c` (so
/// `</script>` and `<!--` cannot appear) and the line separators U+2028 and
/// U+2029 become escapes. The result parses to the same value.
pub fn escape_json_for_script(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + json.len() / 64);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// The whole page for `data_json` (already escaped for a script element).
pub fn render(data_json: &str) -> String {
    let mut out = String::with_capacity(TEMPLATE.len() + CSS.len() + JS.len() + data_json.len());
    let mut rest = TEMPLATE;
    while let Some(i) = rest.find("/*NEARDUP_") {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let (value, len) = if tail.starts_with("/*NEARDUP_CSS*/") {
            (CSS, "/*NEARDUP_CSS*/".len())
        } else if tail.starts_with("/*NEARDUP_JS*/") {
            (JS, "/*NEARDUP_JS*/".len())
        } else if tail.starts_with("/*NEARDUP_DATA*/") {
            (data_json, "/*NEARDUP_DATA*/".len())
        } else {
            ("/*NEARDUP_", "/*NEARDUP_".len())
        };
        out.push_str(value);
        rest = &tail[len..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_all_replaced_once() {
        let page = render("{\"x\":\"/*NEARDUP_JS*/\"}");
        assert!(!page.contains("/*NEARDUP_CSS*/"));
        // The data's own placeholder-like text is left alone.
        assert_eq!(page.matches("/*NEARDUP_JS*/").count(), 1);
        assert!(page.contains(CSS.trim()));
        assert!(page.contains("<script type=\"application/json\" id=\"neardup-data\">{\"x\""));
        assert!(page.contains("default-src 'none'"));
    }

    #[test]
    fn data_cannot_close_its_script() {
        let json = serde_json::json!({"text": "</script><script>alert(1)</script> <!-- \u{2028}"})
            .to_string();
        let safe = escape_json_for_script(&json);
        assert!(!safe.contains("</script"));
        assert!(!safe.contains("<!--"));
        assert!(!safe.contains('\u{2028}'));
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(
            back["text"],
            "</script><script>alert(1)</script> <!-- \u{2028}"
        );
        let page = render(&safe);
        assert_eq!(
            page.matches("</script>").count(),
            2,
            "only the page's own two scripts close"
        );
    }
}
