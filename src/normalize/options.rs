//! The switches of normalization: [`Rule`], one per rule of the module documentation, and
//! [`NormalizeOptions`], the set of rules that are on.
//!
//! Guarantees: [`Rule::ALL`] lists the rules in the order they are applied, and
//! [`NormalizeOptions`] serializes as the enabled names in that order; parsing a command
//! line list either gives options or an error naming the bad item and every valid one.

/// Defines [`Rule`], [`Rule::ALL`] and [`Rule::name`] from one list.
macro_rules! define_rules {
    ($($(#[doc = $doc:literal])* $rule:ident = $name:literal,)*) => {
        /// One switchable normalization rule.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Rule {
            $($(#[doc = $doc])* $rule,)*
        }

        impl Rule {
            /// Every rule, in the order in which they are applied.
            pub const ALL: [Rule; 12] = [$(Rule::$rule),*];

            /// The rule's name, as used on the command line and in reports.
            pub fn name(self) -> &'static str {
                match self {
                    $(Rule::$rule => $name,)*
                }
            }
        }
    };
}

define_rules! {
    /// Unicode NFKC, segment by segment.
    Nfkc = "nfkc",
    /// Remove format characters (Cf).
    Invisible = "invisible",
    /// Remove Arabic diacritics and Quranic marks.
    Diacritics = "diacritics",
    /// Remove the Arabic tatweel U+0640.
    Tatweel = "tatweel",
    /// Unify alef variants to bare alef.
    Alef = "alef",
    /// Alef maqsura to yeh.
    AlefMaqsura = "alef-maqsura",
    /// Ta marbuta to heh.
    TaMarbuta = "ta-marbuta",
    /// Persian keheh and Farsi yeh to Arabic kaf and yeh.
    Persian = "persian",
    /// Decimal digits of every script to ASCII digits.
    Digits = "digits",
    /// Full Unicode lower case.
    Lowercase = "lowercase",
    /// Punctuation to spaces.
    Punctuation = "punctuation",
    /// Whitespace and controls to spaces, collapse runs, trim.
    Whitespace = "whitespace",
}

impl Rule {
    /// The rule called `s` (exact, lower-case name), if any.
    pub fn from_name(s: &str) -> Option<Rule> {
        Rule::ALL.into_iter().find(|r| r.name() == s)
    }
}

/// Which rules are on. Default: all on. Serializes as the list of enabled rule names, in
/// rule order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NormalizeOptions {
    pub(super) bits: u16,
}

impl NormalizeOptions {
    /// All rules on.
    pub fn all() -> Self {
        Self {
            bits: (1 << Rule::ALL.len()) - 1,
        }
    }

    /// All rules off (normalization is then the identity).
    pub fn none() -> Self {
        Self { bits: 0 }
    }

    /// Whether rule `r` is on.
    pub fn is_on(&self, r: Rule) -> bool {
        self.bits & 1 << r as u16 != 0
    }

    /// Switches rule `r` on or off.
    pub fn set(&mut self, r: Rule, on: bool) {
        self.bits = self.bits & !(1 << r as u16) | (on as u16) << r as u16;
    }

    /// Parses a comma list as given on the command line: "all", "none", rule names to switch
    /// on, "-name" / "no-name" to switch off, applied left to right starting from all-on,
    /// e.g. "all,-digits,-lowercase" or "none,nfkc,lowercase". Items are trimmed and matched
    /// case-insensitively; empty items are ignored. The error names the bad item and lists
    /// the valid names.
    pub fn parse(spec: &str) -> Result<Self, String> {
        let mut o = Self::all();
        for raw in spec.split(',').map(str::trim) {
            let item = raw.to_ascii_lowercase();
            let (name, on) = match item.strip_prefix('-').or(item.strip_prefix("no-")) {
                Some(name) => (name, false),
                None => (item.as_str(), true),
            };
            match (name, on) {
                ("", true) => {}
                ("all", true) => o = Self::all(),
                ("none", true) => o = Self::none(),
                _ => match Rule::from_name(name) {
                    Some(r) => o.set(r, on),
                    None => {
                        let names: Vec<_> = Rule::ALL.iter().map(|r| r.name()).collect();
                        return Err(format!(
                            "unknown normalization item `{raw}`; valid items: all, none, {} \
                             (prefix a rule with `-` or `no-` to switch it off)",
                            names.join(", ")
                        ));
                    }
                },
            }
        }
        Ok(o)
    }

    /// Names of the rules that are on, in rule order.
    pub fn enabled_names(&self) -> Vec<&'static str> {
        Rule::ALL
            .into_iter()
            .filter(|r| self.is_on(*r))
            .map(Rule::name)
            .collect()
    }
}

impl Default for NormalizeOptions {
    fn default() -> Self {
        Self::all()
    }
}

impl serde::Serialize for NormalizeOptions {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.enabled_names())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_options() {
        let p = |s: &str| NormalizeOptions::parse(s);
        assert_eq!(p("").unwrap(), NormalizeOptions::all());
        assert_eq!(p("all").unwrap(), NormalizeOptions::all());
        assert_eq!(p("none").unwrap(), NormalizeOptions::none());
        let o = p("all,-digits, no-lowercase").unwrap();
        assert!(!o.is_on(Rule::Digits) && !o.is_on(Rule::Lowercase) && o.is_on(Rule::Nfkc));
        assert_eq!(
            p("none,nfkc,Lowercase").unwrap().enabled_names(),
            ["nfkc", "lowercase"]
        );
        assert_eq!(
            p("-nfkc,none,alef-maqsura").unwrap().enabled_names(),
            ["alef-maqsura"]
        );
        let err = p("all,-digitz").unwrap_err();
        assert!(
            err.contains("`-digitz`") && err.contains("ta-marbuta"),
            "{err}"
        );
        for bad in ["-all", "no", "-", "nfkc;digits", "no-none"] {
            assert!(p(bad).is_err(), "{bad}");
        }
        for r in Rule::ALL {
            assert_eq!(Rule::from_name(r.name()), Some(r));
        }
        let json = serde_json::to_string(&p("none,nfkc,whitespace").unwrap()).unwrap();
        assert_eq!(json, r#"["nfkc","whitespace"]"#);
    }
}
