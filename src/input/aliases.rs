//! Outlet aliases: one outlet filed under several names (`--outlet-alias`).
//!
//! A CSV file of `alias,outlet` lines (a header line `alias,outlet` is
//! allowed; fields may be quoted with `"`, a doubled `""` inside). Every record
//! whose outlet is an alias counts as the outlet it names, in every output.
//! Chains are not followed (an alias of an alias is an error), so the
//! mapping is the same whatever the order of the lines.

use std::path::Path;

use crate::error::{Error, Result};

/// Alias → outlet pairs, sorted by alias, each alias once.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct OutletAliases(Vec<(String, String)>);

/// The fields of one CSV line.
fn fields(line: &str) -> Option<Vec<String>> {
    let mut out = Vec::new();
    let mut field = String::new();
    let mut chars = line.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            '"' if quoted => quoted = false,
            '"' if field.is_empty() => quoted = true,
            ',' if !quoted => out.push(std::mem::take(&mut field)),
            _ => field.push(c),
        }
    }
    if quoted {
        return None;
    }
    out.push(field);
    Some(out)
}

impl OutletAliases {
    /// Reads `path`; errors name the file and line.
    pub fn read(path: &Path) -> Result<OutletAliases> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let name = path.display().to_string();
        let mut pairs: Vec<(String, String)> = Vec::new();
        // Alias -> (outlet, line), to name both lines of a conflict.
        let mut seen: ahash::AHashMap<String, (String, u64)> = ahash::AHashMap::new();
        for (i, line) in text.lines().enumerate() {
            let n = i as u64 + 1;
            // (`lines` keeps the `\r` of a last line without `\n`.)
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() {
                continue;
            }
            let f = fields(line).ok_or_else(|| Error::record(&name, Some(n), "unclosed quote"))?;
            if f.len() != 2 {
                return Err(Error::record(
                    &name,
                    Some(n),
                    format!("expected 2 fields `alias,outlet`, found {}", f.len()),
                ));
            }
            let (alias, outlet) = (f[0].trim().to_string(), f[1].trim().to_string());
            if n == 1 && alias == "alias" && outlet == "outlet" {
                continue;
            }
            if alias.is_empty() || outlet.is_empty() {
                return Err(Error::record(&name, Some(n), "empty alias or outlet"));
            }
            if let Some((other, first)) = seen.get(&alias)
                && *other != outlet
            {
                return Err(Error::record(
                    &name,
                    Some(n),
                    format!("alias `{alias}` was given outlet `{other}` on line {first}"),
                ));
            }
            seen.insert(alias.clone(), (outlet.clone(), n));
            pairs.push((alias, outlet));
        }
        // In line order, so the first bad line is the one named.
        let mut by_line: Vec<(&String, &(String, u64))> = seen.iter().collect();
        by_line.sort_by_key(|(_, (_, n))| *n);
        for (alias, (outlet, n)) in by_line {
            if seen.contains_key(outlet) {
                return Err(Error::record(
                    &name,
                    Some(*n),
                    format!("`{outlet}` (the outlet of alias `{alias}`) is itself an alias"),
                ));
            }
        }
        OutletAliases::new(pairs).map_err(|reason| Error::record(&name, None, reason))
    }

    /// The aliases of `pairs` (alias, outlet); an alias given twice with
    /// different outlets, or an outlet that is itself an alias, is an error.
    pub fn new(mut pairs: Vec<(String, String)>) -> std::result::Result<OutletAliases, String> {
        pairs.sort();
        pairs.dedup();
        for w in pairs.windows(2) {
            if w[0].0 == w[1].0 {
                return Err(format!(
                    "alias `{}` is given two outlets, `{}` and `{}`",
                    w[0].0, w[0].1, w[1].1
                ));
            }
        }
        for (alias, outlet) in &pairs {
            if pairs.binary_search_by(|p| p.0.as_str().cmp(outlet)).is_ok() {
                return Err(format!(
                    "`{outlet}` (the outlet of alias `{alias}`) is itself an alias"
                ));
            }
        }
        Ok(OutletAliases(pairs))
    }

    /// The outlet that `name` stands for (itself when it is no alias).
    pub fn resolve<'a>(&'a self, name: &'a str) -> &'a str {
        match self.0.binary_search_by(|p| p.0.as_str().cmp(name)) {
            Ok(i) => &self.0[i].1,
            Err(_) => name,
        }
    }

    /// Number of aliases.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_resolve_and_bad_files_name_the_line() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let good = dir.join("good.csv");
        std::fs::write(
            &good,
            "alias,outlet\nCarol Costello,CNN (Web News)\n\"Fox, Online\",Fox News\n",
        )
        .unwrap();
        let a = OutletAliases::read(&good).unwrap();
        assert_eq!(a.resolve("Carol Costello"), "CNN (Web News)");
        assert_eq!(a.resolve("Fox, Online"), "Fox News");
        assert_eq!(a.resolve("Reuters"), "Reuters");
        let bad = dir.join("bad.csv");
        std::fs::write(&bad, "a,b\nc,d,e\n").unwrap();
        let e = OutletAliases::read(&bad).unwrap_err().to_string();
        assert!(e.contains("bad.csv") && e.contains('2'), "{e}");
        assert!(
            OutletAliases::new(vec![("a".into(), "b".into()), ("b".into(), "c".into())]).is_err()
        );
    }
}
