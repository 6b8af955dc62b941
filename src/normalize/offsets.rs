//! [`OffsetMap`]: for each byte of a normalized text, the byte range of the original text
//! that produced it.
//!
//! Guarantees: [`OffsetMap::original_range`] never panics and always returns a range that
//! is char-aligned in the original (given a map filled by the normalizer for that text).

use std::ops::Range;

/// Byte-level map from normalized output back to the original text: for each output byte,
/// the original byte range of the character (or NFKC segment) that produced it.
#[derive(Clone, Debug, Default)]
pub struct OffsetMap {
    pub(super) spans: Vec<[u32; 2]>,
}

impl OffsetMap {
    /// An empty map (does not allocate).
    pub fn new() -> Self {
        Self::default()
    }

    /// Empties the map, keeping its capacity.
    pub fn clear(&mut self) {
        self.spans.clear();
    }

    /// Original byte range covering normalized bytes `start..end` (char-aligned in the
    /// output): from the start of byte `start`'s source to the end of byte `end - 1`'s
    /// source, so removed characters in between are inside. The result is char-aligned in
    /// the original. Never panics: `end` is clamped to [`len`](Self::len), and an empty
    /// request gives an empty range at the corresponding original position.
    pub fn original_range(&self, start: usize, end: usize) -> Range<usize> {
        let end = end.min(self.spans.len());
        if start >= end {
            let p = match self.spans.get(start) {
                Some(s) => s[0],
                None => self.spans.last().map_or(0, |s| s[1]),
            };
            return p as usize..p as usize;
        }
        self.spans[start][0] as usize..self.spans[end - 1][1] as usize
    }

    /// Number of output bytes mapped.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// Whether the map is empty.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::normalizer::Normalizer;
    use crate::normalize::options::NormalizeOptions;

    #[test]
    fn offsets_example() {
        let n = Normalizer::new(NormalizeOptions::all());
        let text = "Ｈｅｌｌｏ,  مُحَمَّد ﬁx e\u{301}";
        let (mut out, mut map) = (String::new(), OffsetMap::new());
        n.normalize_with_offsets(text, &mut out, &mut map);
        assert_eq!(out, "hello محمد fix é");
        assert_eq!(map.len(), out.len());
        let at = out.find("محمد").unwrap();
        assert_eq!(&text[map.original_range(at, at + "محمد".len())], "مُحَمَّد");
        assert_eq!(&text[map.original_range(0, 5)], "Ｈｅｌｌｏ");
        assert_eq!(&text[map.original_range(5, 6)], ",");
        let fi = out.find("fix").unwrap();
        assert_eq!(&text[map.original_range(fi + 1, fi + 2)], "ﬁ");
        assert_eq!(
            &text[map.original_range(out.len() - 2, out.len())],
            "e\u{301}"
        );
        assert_eq!(map.original_range(3, 3), 9..9);
        let end = out.len();
        assert_eq!(map.original_range(end, end + 5), text.len()..text.len());
    }
}
