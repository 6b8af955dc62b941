//! One indexed document as the store keeps it: a flat byte record.
//!
//! Layout (little-endian), for signatures of `k` slots (fixed by the
//! index's parameters; finer signatures are kept in a table of their own,
//! read only for the pairs that need them):
//!
//! | bytes | field |
//! |---|---|
//! | 1 | flags: bit 0 duplicate |
//! | 8 | inserted (Unix seconds) |
//! | 8 | date (Unix seconds; `i64::MIN`: none) |
//! | 8 | kept: the number of the document it duplicates (itself when new) |
//! | 8 | story time: the date (else time added) of its story's first document |
//! | 4 | estimated distinct shingles |
//! | 4 × 4 | lengths of id, outlet, story, text (`u32::MAX`: none) |
//! | 2k | the signature |
//! | … | id, outlet, story, text bytes |
//!
//! [`Record::decode`] borrows every field from the stored bytes (no copy)
//! and refuses a record of the wrong size, so a damaged store is an error,
//! never a panic.

use std::borrow::Cow;

/// Bytes before the signature.
const HEAD: usize = 1 + 8 + 8 + 8 + 8 + 4 + 16;
const NONE: u32 = u32::MAX;

/// A stored document, borrowed from the store (or owned, for one being
/// added).
#[derive(Clone, Debug, PartialEq)]
pub struct Record<'a> {
    /// Whether it was a near-duplicate of an earlier document when added.
    pub duplicate: bool,
    /// When it was added (Unix seconds).
    pub inserted: i64,
    /// Its publication date (Unix seconds), if known.
    pub date: Option<i64>,
    /// The number of the document it duplicates (its own when new).
    pub kept: u64,
    /// The date (else the time added) of its story's first document.
    pub story_time: i64,
    /// Estimated distinct shingles.
    pub shingles: u32,
    /// The signature: `k` slots (little-endian `u16`).
    pub sig: Cow<'a, [u8]>,
    /// Its id.
    pub id: Cow<'a, str>,
    /// Its outlet.
    pub outlet: Option<Cow<'a, str>>,
    /// The id of the first document of its story.
    pub story: Cow<'a, str>,
    /// Its text, when the index stores texts.
    pub text: Option<Cow<'a, str>>,
}

fn len_of(s: Option<&str>) -> u32 {
    s.map_or(NONE, |s| s.len() as u32)
}

impl<'a> Record<'a> {
    /// The record's bytes.
    pub fn encode(&self) -> Vec<u8> {
        let strings = [
            Some(self.id.as_ref()),
            self.outlet.as_deref(),
            Some(self.story.as_ref()),
            self.text.as_deref(),
        ];
        let extra: usize = strings.iter().flatten().map(|s| s.len()).sum();
        let mut out = Vec::with_capacity(HEAD + self.sig.len() + extra);
        out.push(u8::from(self.duplicate));
        out.extend_from_slice(&self.inserted.to_le_bytes());
        out.extend_from_slice(&self.date.unwrap_or(i64::MIN).to_le_bytes());
        out.extend_from_slice(&self.kept.to_le_bytes());
        out.extend_from_slice(&self.story_time.to_le_bytes());
        out.extend_from_slice(&self.shingles.to_le_bytes());
        for s in strings {
            out.extend_from_slice(&len_of(s).to_le_bytes());
        }
        out.extend_from_slice(&self.sig);
        for s in strings.into_iter().flatten() {
            out.extend_from_slice(s.as_bytes());
        }
        out
    }

    /// Reads a record of an index whose signatures have `sig_bytes` bytes;
    /// `None` when the bytes are not such a record.
    pub fn decode(bytes: &'a [u8], sig_bytes: usize) -> Option<Record<'a>> {
        let head = bytes.get(..HEAD)?;
        let u32_at = |i: usize| u32::from_le_bytes(head[i..i + 4].try_into().unwrap());
        let i64_at = |i: usize| i64::from_le_bytes(head[i..i + 8].try_into().unwrap());
        let flags = head[0];
        if flags > 1 {
            return None;
        }
        let lens = [u32_at(37), u32_at(41), u32_at(45), u32_at(49)];
        let mut at = HEAD;
        let sig = bytes.get(at..at + sig_bytes)?;
        at += sig_bytes;
        let mut strings = [None, None, None, None];
        for (s, &len) in strings.iter_mut().zip(&lens) {
            if len == NONE {
                continue;
            }
            let b = bytes.get(at..at + len as usize)?;
            *s = Some(std::str::from_utf8(b).ok()?);
            at += len as usize;
        }
        if at != bytes.len() {
            return None;
        }
        let date = i64_at(9);
        Some(Record {
            duplicate: flags == 1,
            inserted: i64_at(1),
            date: (date != i64::MIN).then_some(date),
            kept: u64::from_le_bytes(head[17..25].try_into().unwrap()),
            story_time: i64_at(25),
            shingles: u32_at(33),
            sig: Cow::Borrowed(sig),
            id: Cow::Borrowed(strings[0]?),
            outlet: strings[1].map(Cow::Borrowed),
            story: Cow::Borrowed(strings[2]?),
            text: strings[3].map(Cow::Borrowed),
        })
    }

    /// The signature's slots.
    pub fn slots(&self) -> Vec<u16> {
        slots(&self.sig)
    }
}

/// Slots of a little-endian signature.
pub fn slots(sig: &[u8]) -> Vec<u16> {
    sig.chunks_exact(2)
        .map(|b| u16::from_le_bytes([b[0], b[1]]))
        .collect()
}

/// Little-endian bytes of a signature.
pub fn sig_bytes(slots: &[u16]) -> Vec<u8> {
    slots.iter().flat_map(|v| v.to_le_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_round_trip_and_damage_is_refused() {
        let r = Record {
            duplicate: true,
            inserted: 1_700_000_000,
            date: Some(-86_400),
            kept: 7,
            story_time: -5,
            shingles: 321,
            sig: Cow::Owned(sig_bytes(&[1, 2, 65535, 4])),
            id: "a/1".into(),
            outlet: None,
            story: "s".into(),
            text: Some("نص".into()),
        };
        let bytes = r.encode();
        assert_eq!(Record::decode(&bytes, 8), Some(r.clone()));
        assert_eq!(Record::decode(&bytes, 8).unwrap().slots(), [1, 2, 65535, 4]);
        // Other widths, a cut record, trailing bytes, bad flags: refused.
        assert_eq!(Record::decode(&bytes, 10), None);
        assert_eq!(Record::decode(&bytes[..bytes.len() - 1], 8), None);
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(Record::decode(&longer, 8), None);
        let mut flags = bytes;
        flags[0] = 2;
        assert_eq!(Record::decode(&flags, 8), None);
        let undated = Record { date: None, ..r };
        assert_eq!(Record::decode(&undated.encode(), 8).unwrap().date, None);
    }
}
