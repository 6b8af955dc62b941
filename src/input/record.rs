//! Parsing one input record into the fields the pipeline needs.
//!
//! JSON lines are parsed with a hand-written serde visitor that looks only at
//! the configured field names, borrows keys and metadata from the line where
//! JSON allows it, skips every other value without building it, and writes the
//! text into a caller-owned buffer, so a record costs no allocation for its
//! text. The line is validated as UTF-8 first (much faster than serde_json's
//! own check on non-ASCII text) and then parsed as `&str`.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};

/// The JSON field names to read (`--id-field` and friends).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct FieldNames {
    /// Document id: a string or an integer. Default `id`.
    pub id: String,
    /// Document text: a string. Default `text`.
    pub text: String,
    /// Outlet. Default `source`, falling back to `outlet`, then the host of
    /// the url.
    pub outlet: String,
    /// Publication date. Default `date`.
    pub date: String,
    /// Title. Default `title`.
    pub title: String,
    /// Url. Default `url`.
    pub url: String,
}

impl Default for FieldNames {
    fn default() -> Self {
        FieldNames {
            id: "id".into(),
            text: "text".into(),
            outlet: "source".into(),
            date: "date".into(),
            title: "title".into(),
            url: "url".into(),
        }
    }
}

/// The fields of one record other than its text. Strings borrow from the
/// line when they contain no escapes.
#[derive(Debug, Default)]
pub struct Fields<'a> {
    /// The id, integers written as decimal strings.
    pub id: Option<Cow<'a, str>>,
    /// The outlet field's value.
    pub outlet: Option<Cow<'a, str>>,
    /// The fallback `outlet` field's value.
    pub outlet_fallback: Option<Cow<'a, str>>,
    /// The date, as written (strings; integers as decimal strings).
    pub date: Option<Cow<'a, str>>,
    /// The title.
    pub title: Option<Cow<'a, str>>,
    /// The url.
    pub url: Option<Cow<'a, str>>,
}

impl<'a> Fields<'a> {
    /// The record's outlet: the outlet field, else `outlet`, else the url's host.
    pub fn outlet(&self) -> Option<Cow<'a, str>> {
        let field = self
            .outlet
            .as_ref()
            .or(self.outlet_fallback.as_ref())
            .filter(|s| !s.trim().is_empty());
        if let Some(o) = field {
            return Some(o.clone());
        }
        self.url.as_deref().and_then(url_host).map(Cow::Owned)
    }
}

/// The host of a url, lower-cased, without `www.`, port or credentials.
pub fn url_host(url: &str) -> Option<String> {
    let rest = url.trim();
    let rest = rest.split_once("://").map_or(rest, |(_, r)| r);
    let rest = rest.strip_prefix("//").unwrap_or(rest);
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if host.starts_with('[') {
        host.split_once(']').map_or(host, |(h, _)| &h[1..])
    } else {
        host.split(':').next().unwrap_or(host)
    };
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    (!host.is_empty() && !host.contains(char::is_whitespace)).then(|| host.to_string())
}

/// Parses one JSON line. The text goes to `text` (cleared first); the other
/// fields are returned. The error is a human-readable reason, without the
/// file and line, which the caller adds.
pub fn parse_json_line<'a>(
    line: &'a [u8],
    names: &FieldNames,
    text: &mut String,
) -> Result<Fields<'a>, String> {
    // simdutf8 validates at memory speed (runtime CPU detection, no
    // target-cpu flags); on error std's validator gives the exact position.
    let line = simdutf8::basic::from_utf8(line)
        .or_else(|_| std::str::from_utf8(line))
        .map_err(|e| format!("invalid UTF-8 at byte {} of the line", e.valid_up_to() + 1))?;
    text.clear();
    let mut de = serde_json::Deserializer::from_str(line);
    let seed = RecordSeed { names, text };
    let parsed = seed
        .deserialize(&mut de)
        .and_then(|fields| de.end().map(|()| fields));
    match parsed {
        Ok(Some(fields)) => Ok(fields),
        Ok(None) => Err(format!("missing field `{}`", names.text)),
        Err(e) => Err(describe_json_error(&e)),
    }
}

/// serde_json's message without its "at line 1 column N" tail (a record is one
/// line), with the column kept for syntax errors.
fn describe_json_error(e: &serde_json::Error) -> String {
    let msg = e.to_string();
    let msg = match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg,
    };
    match e.classify() {
        serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
            format!("malformed JSON: {msg} (column {})", e.column())
        }
        _ => msg,
    }
}

/// A string that borrows from the input when it can.
struct CowStr<'a>(Cow<'a, str>);

struct CowStrVisitor;

impl<'de> Visitor<'de> for CowStrVisitor {
    type Value = CowStr<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(CowStr(Cow::Borrowed(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(CowStr(Cow::Owned(v.to_string())))
    }
}

impl<'de> de::Deserialize<'de> for CowStr<'de> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(CowStrVisitor)
    }
}

/// A metadata value: a string or an integer (as a string); `null` and any
/// other type count as absent, except where `strict` asks for an error.
struct MetaSeed {
    field: &'static str,
    strict: bool,
}

impl<'de> DeserializeSeed<'de> for MetaSeed {
    type Value = Option<Cow<'de, str>>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for MetaSeed {
    type Value = Option<Cow<'de, str>>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a string or an integer for the {} field", self.field)
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Some(Cow::Borrowed(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Some(Cow::Owned(v.to_string())))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(Cow::Owned(v.to_string())))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(Cow::Owned(v.to_string())))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        if self.strict {
            return Err(E::custom(format!(
                "field `{}` must be a string or an integer, found null",
                self.field
            )));
        }
        Ok(None)
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        if self.strict {
            return Err(E::custom(format!(
                "field `{}` must be a string or an integer, found the number {v}",
                self.field
            )));
        }
        Ok(None)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        if self.strict {
            return Err(E::custom(format!(
                "field `{}` must be a string or an integer, found {v}",
                self.field
            )));
        }
        Ok(None)
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        if self.strict {
            return Err(de::Error::custom(format!(
                "field `{}` must be a string or an integer, found an array",
                self.field
            )));
        }
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        if self.strict {
            return Err(de::Error::custom(format!(
                "field `{}` must be a string or an integer, found an object",
                self.field
            )));
        }
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(None)
    }
}

/// Writes a string value into a buffer.
struct TextSeed<'s> {
    field: &'s str,
    out: &'s mut String,
}

impl<'de> DeserializeSeed<'de> for TextSeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TextSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a string for the {} field", self.field)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        self.out.clear();
        self.out.push_str(v);
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Err(self.wrong("null"))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Err(self.wrong("a boolean"))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Err(self.wrong("a number"))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Err(self.wrong("a number"))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Err(self.wrong("a number"))
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        Err(self.wrong("an array"))
    }
    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        Err(self.wrong("an object"))
    }
}

impl TextSeed<'_> {
    fn wrong<E: de::Error>(&self, found: &str) -> E {
        E::custom(format!(
            "field `{}` must be a string, found {found}",
            self.field
        ))
    }
}

/// The whole record: returns `None` when the text field is missing.
struct RecordSeed<'n, 's> {
    names: &'n FieldNames,
    text: &'s mut String,
}

impl<'de> DeserializeSeed<'de> for RecordSeed<'_, '_> {
    type Value = Option<Fields<'de>>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for RecordSeed<'_, '_> {
    type Value = Option<Fields<'de>>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let names = self.names;
        let mut fields = Fields::default();
        let mut has_text = false;
        while let Some(CowStr(key)) = map.next_key::<CowStr<'de>>()? {
            let key = key.as_ref();
            if key == names.text {
                map.next_value_seed(TextSeed {
                    field: &names.text,
                    out: self.text,
                })?;
                has_text = true;
            } else if key == names.id {
                fields.id = map.next_value_seed(MetaSeed {
                    field: "id",
                    strict: true,
                })?;
            } else if key == names.outlet {
                fields.outlet = map.next_value_seed(meta("outlet"))?;
            } else if key == "outlet" {
                fields.outlet_fallback = map.next_value_seed(meta("outlet"))?;
            } else if key == names.date {
                fields.date = map.next_value_seed(meta("date"))?;
            } else if key == names.title {
                fields.title = map.next_value_seed(meta("title"))?;
            } else if key == names.url {
                fields.url = map.next_value_seed(meta("url"))?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(has_text.then_some(fields))
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
        Err(de::Error::custom("expected a JSON object, found an array"))
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Err(E::custom("expected a JSON object, found a string"))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Err(E::custom("expected a JSON object, found null"))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Err(E::custom("expected a JSON object, found a boolean"))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Err(E::custom("expected a JSON object, found a number"))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Err(E::custom("expected a JSON object, found a number"))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Err(E::custom("expected a JSON object, found a number"))
    }
}

fn meta(field: &'static str) -> MetaSeed {
    MetaSeed {
        field,
        strict: false,
    }
}

/// The UTC date of Unix time `t`, as `YYYY-MM-DD`.
pub fn ymd(t: i64) -> String {
    // Howard Hinnant's civil_from_days.
    let z = t.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Unix time `t` as an RFC 3339 UTC timestamp, `YYYY-MM-DDTHH:MM:SSZ`.
pub fn timestamp(t: i64) -> String {
    let s = t.rem_euclid(86_400);
    format!(
        "{}T{:02}:{:02}:{:02}Z",
        ymd(t),
        s / 3600,
        s / 60 % 60,
        s % 60
    )
}

/// Parses a date into seconds since 1970-01-01 UTC.
///
/// Accepts `YYYY-MM-DD`, `YYYY/MM/DD`, optionally followed by `T` or a space
/// and `HH:MM[:SS[.fff]]`, optionally followed by `Z` or `±HH[:]MM`; and
/// integers as Unix seconds (or milliseconds when larger than 10^11).
pub fn parse_date(s: &str) -> Option<i64> {
    let s = s.trim();
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && s.len() > 8 {
        let n: i64 = s.parse().ok()?;
        return Some(if n > 100_000_000_000 { n / 1000 } else { n });
    }
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let part = b.get(r)?;
        if part.iter().all(u8::is_ascii_digit) {
            std::str::from_utf8(part).ok()?.parse().ok()
        } else {
            None
        }
    };
    let year = num(0..4)?;
    let sep = *b.get(4)?;
    if !(sep == b'-' || sep == b'/') || b.get(7) != Some(&sep) {
        return None;
    }
    let month = num(5..7)?;
    let day = num(8..10)?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let mut secs = days_from_civil(year, month, day) * 86_400;
    let mut rest = &s[10..];
    if let Some(t) = rest.strip_prefix(['T', ' ']) {
        let tb = t.as_bytes();
        let h = num_at(tb, 0)?;
        if tb.get(2) != Some(&b':') {
            return None;
        }
        let m = num_at(tb, 3)?;
        let mut used = 5;
        let mut sec = 0;
        if tb.get(5) == Some(&b':') {
            sec = num_at(tb, 6)?;
            used = 8;
            if tb.get(8) == Some(&b'.') {
                used = 9 + tb[9..].iter().take_while(|c| c.is_ascii_digit()).count();
            }
        }
        if h > 23 || m > 59 || sec > 60 {
            return None;
        }
        secs += h * 3600 + m * 60 + sec;
        rest = &t[used..];
        match rest.as_bytes().first() {
            None => {}
            Some(b'Z' | b'z') if rest.len() == 1 => {}
            Some(&c @ (b'+' | b'-')) => {
                let zb = &rest.as_bytes()[1..];
                let zh = num_at(zb, 0)?;
                let zm = match zb.len() {
                    2 => 0,
                    4 => num_at(zb, 2)?,
                    5 if zb[2] == b':' => num_at(zb, 3)?,
                    _ => return None,
                };
                let off = zh * 3600 + zm * 60;
                secs -= if c == b'+' { off } else { -off };
            }
            _ => return None,
        }
        return Some(secs);
    }
    rest.is_empty().then_some(secs)
}

fn num_at(b: &[u8], at: usize) -> Option<i64> {
    let part = b.get(at..at + 2)?;
    if part.iter().all(u8::is_ascii_digit) {
        Some(i64::from(part[0] - b'0') * 10 + i64::from(part[1] - b'0'))
    } else {
        None
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil`).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str) -> Result<(Fields<'_>, String), String> {
        let mut text = String::new();
        let f = parse_json_line(line.as_bytes(), &FieldNames::default(), &mut text)?;
        Ok((f, text))
    }

    #[test]
    fn reads_configured_fields_and_borrows() {
        let (f, text) = parse(
            r#"{"id":"a1","text":"line\none","source":"reuters","x":[1,{"y":2}],"date":"2015-07-21"}"#,
        )
        .unwrap();
        assert_eq!(text, "line\none");
        assert!(matches!(f.id, Some(Cow::Borrowed("a1"))));
        assert_eq!(f.outlet().as_deref(), Some("reuters"));
        assert_eq!(f.date.as_deref(), Some("2015-07-21"));
    }

    #[test]
    fn integer_ids_and_outlet_fallbacks() {
        let (f, _) = parse(r#"{"id":42,"text":"t","outlet":"bbc"}"#).unwrap();
        assert_eq!(f.id.as_deref(), Some("42"));
        assert_eq!(f.outlet().as_deref(), Some("bbc"));
        let (f, _) = parse(r#"{"text":"t","url":"https://www.Example.com:8080/a?b"}"#).unwrap();
        assert_eq!(f.id, None);
        assert_eq!(f.outlet().as_deref(), Some("example.com"));
    }

    #[test]
    fn bad_records_say_what_is_wrong() {
        let err = |l: &str| parse(l).unwrap_err();
        assert_eq!(err(r#"{"id":"a"}"#), "missing field `text`");
        assert_eq!(
            err(r#"{"text":null}"#),
            "field `text` must be a string, found null"
        );
        assert_eq!(
            err(r#"{"text":5}"#),
            "field `text` must be a string, found a number"
        );
        assert!(
            err(r#"{"text":"a","id":1.5}"#).contains("field `id` must be a string or an integer")
        );
        assert!(
            err(r#"{"text":"abc"#).starts_with("malformed JSON"),
            "{}",
            err(r#"{"text":"abc"#)
        );
        assert!(err(r#"{"text":"a"} x"#).starts_with("malformed JSON"));
        assert_eq!(err(r#"[1]"#), "expected a JSON object, found an array");
        let mut text = String::new();
        let e =
            parse_json_line(b"{\"text\":\"\xff\"}", &FieldNames::default(), &mut text).unwrap_err();
        assert_eq!(e, "invalid UTF-8 at byte 10 of the line");
    }

    #[test]
    fn url_hosts() {
        assert_eq!(
            url_host("http://user:pw@News.site.org:80/x").as_deref(),
            Some("news.site.org")
        );
        assert_eq!(url_host("site.com/path").as_deref(), Some("site.com"));
        assert_eq!(url_host("").as_deref(), None);
    }

    #[test]
    fn dates() {
        assert_eq!(parse_date("1970-01-02"), Some(86_400));
        assert_eq!(parse_date("2015-07-21"), Some(1_437_436_800));
        assert_eq!(parse_date("2015/07/21 01:00"), Some(1_437_440_400));
        assert_eq!(parse_date("2015-07-21T01:00:00+01:00"), Some(1_437_436_800));
        assert_eq!(parse_date("2015-07-21T00:00:00.123Z"), Some(1_437_436_800));
        assert_eq!(parse_date("1437436800"), Some(1_437_436_800));
        assert_eq!(parse_date("1437436800000"), Some(1_437_436_800));
        assert_eq!(parse_date("21 July 2015"), None);
        assert_eq!(parse_date("2015-13-01"), None);
    }
}
