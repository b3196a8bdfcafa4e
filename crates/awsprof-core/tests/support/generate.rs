//! A seeded generator of shared config and credentials files, for the differential tests.
//!
//! Two flavours. `Agreeable` files only hold constructs that botocore and awsprof read
//! alike (docs/divergences.md lists the others), including the lines the SDKs' spec
//! refuses but botocore reads (indented properties, comments and headers, text after a
//! header's `]`, comments in sub-property blocks, classic Mac OS line ends), so that
//! "botocore reads it" can be checked to imply "awsprof reads it the same way". `Any`
//! files hold everything the spec has an opinion on, garbage lines included, for the
//! comparison with the SDK for Rust, which must agree with us on every line the spec
//! reads.

#![allow(dead_code)]

/// SplitMix64: a tiny, well-known deterministic generator, so the corpus is the same on
/// every machine and every run.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// True `percent` times in a hundred.
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavor {
    Agreeable,
    Any,
}

/// The keys generated files use (as written; the SDKs compare them lower-cased), so an
/// oracle that can only look keys up (the SDK for Rust) can still be asked about each.
pub const KEYS: &[&str] = &[
    "region",
    "output",
    "role_arn",
    "source_profile",
    "Mixed_Case",
    "s3",
    "a.b",
    "x-y",
    "k/1",
    "p@q",
    "c:d",
    "e%f",
    "g+h",
];

/// Sub-property keys.
pub const SUB_KEYS: &[&str] = &[
    "max_concurrent_requests",
    "addressing_style",
    "endpoint_url",
    "z",
];

/// Valid profile names.
pub const NAMES: &[&str] = &[
    "dev", "Prod-1", "a.b", "x/y", "s3:z", "p@q", "c+d", "e%f", "u_v",
];

/// Names the SDKs ignore.
const INVALID_NAMES: &[&str] = &["in valid", "bad!", "caf\u{e9}", "\"quoted\""];

fn indent(rng: &mut Rng, width: usize) -> String {
    (0..width)
        .map(|_| if rng.chance(70) { ' ' } else { '\t' })
        .collect()
}

fn value(rng: &mut Rng, flavor: Flavor) -> String {
    const WORDS: &[&str] = &[
        "us-east-1",
        "json",
        "arn:aws:iam::123456789012:role/R",
        "a=b",
        "x#glued",
        "y;glued",
        "https://h/p#frag",
        "caf\u{e9}",
        "\u{96ea}",
        "two words",
        "v",
        "0",
    ];
    let mut v = rng.pick(WORDS).to_string();
    if flavor == Flavor::Any {
        match rng.below(10) {
            0 => v.push_str(" # a comment"),
            1 => v.push_str(" ;c"),
            2 => v.push_str("\u{a0}# after a no-break space"),
            _ => {}
        }
    }
    v
}

fn separator(rng: &mut Rng) -> &'static str {
    const SEPARATORS: [&str; 6] = [" = ", "=", " =", "= ", "\t=\t", "  =  "];
    SEPARATORS[rng.below(SEPARATORS.len())]
}

fn comment(rng: &mut Rng) -> String {
    format!(
        "{}{}",
        rng.pick(&["#", ";"]),
        rng.pick(&["", " note", "#;", " [profile x]"])
    )
}

/// The state a body generator tracks to stay inside its flavour.
struct Section<'a> {
    rng: &'a mut Rng,
    flavor: Flavor,
    lines: &'a mut Vec<String>,
    /// The indentation of this section's properties: 0 as the spec wants, more for a file
    /// the spec refuses but botocore reads.
    k: usize,
    keys: Vec<String>,
    /// Whether this file may hold lines the spec refuses but botocore reads.
    odd: bool,
}

impl Section<'_> {
    fn fresh_key(&mut self) -> Option<&'static str> {
        for _ in 0..8 {
            let key = *self.rng.pick(KEYS);
            // botocore splits `c:d = x` at the `:` (key `c`, value `d = x`).
            if self.flavor == Flavor::Agreeable && key.contains(':') {
                continue;
            }
            let lower = key.to_ascii_lowercase();
            if self.flavor == Flavor::Any || !self.keys.contains(&lower) {
                self.keys.push(lower);
                return Some(key);
            }
        }
        None
    }

    fn body(&mut self) {
        // An indented comment right after the header: botocore skips it, the spec refuses it.
        if self.odd && self.rng.chance(10) {
            let width = 1 + self.rng.below(3);
            let pad = indent(self.rng, width);
            let c = comment(self.rng);
            self.lines.push(format!("{pad}{c}"));
        }
        for _ in 0..self.rng.below(6) {
            match self.rng.below(10) {
                0 => self.lines.push(String::new()),
                1 => {
                    let c = comment(self.rng);
                    self.lines.push(c);
                }
                2 if self.k > 0 || self.flavor == Flavor::Any => {
                    // At or above the properties' indentation botocore sees a comment; under
                    // a property of column 0 the spec sees a continuation (Any only).
                    let width = if self.flavor == Flavor::Any {
                        1 + self.rng.below(4)
                    } else {
                        1 + self.rng.below(self.k)
                    };
                    let pad = indent(self.rng, width);
                    let c = comment(self.rng);
                    self.lines.push(format!("{pad}{c}"));
                }
                3 if self.flavor == Flavor::Any => self.garbage(),
                _ => self.property(),
            }
        }
    }

    fn property(&mut self) {
        let Some(key) = self.fresh_key() else { return };
        let pad = indent(self.rng, self.k);
        let sep = separator(self.rng).trim_end().to_string();
        if self.rng.chance(20) {
            self.lines.push(format!("{pad}{key}{sep}"));
            let width = 1 + self.rng.below(4);
            let sub_pad = format!("{pad}{}", indent(self.rng, width));
            let mut subs: Vec<String> = Vec::new();
            for _ in 0..self.rng.below(4) {
                match self.rng.below(6) {
                    0 => self.lines.push(String::new()),
                    1 if self.odd => {
                        let c = self.rng.pick(&["# in the block", ";c"]).to_string();
                        self.lines.push(format!("{sub_pad}{c}"));
                    }
                    2 if self.flavor == Flavor::Any => {
                        let line = self
                            .rng
                            .pick(&["= nameless", "no equals", "# c = d", "in valid = x"])
                            .to_string();
                        self.lines.push(format!("{sub_pad}{line}"));
                    }
                    _ => {
                        let sub = *self.rng.pick(SUB_KEYS);
                        if self.flavor == Flavor::Agreeable && subs.iter().any(|s| s == sub) {
                            continue;
                        }
                        subs.push(sub.to_string());
                        let sep = separator(self.rng);
                        let v = self.rng.pick(&["10", "path", "x=y", ""]).to_string();
                        self.lines
                            .push(format!("{sub_pad}{sub}{sep}{v}").trim_end().to_string());
                    }
                }
            }
            return;
        }
        let v = value(self.rng, self.flavor);
        let sep = separator(self.rng);
        self.lines.push(format!("{pad}{key}{sep}{v}"));
        for _ in 0..self.rng.below(3) {
            if self.rng.chance(50) {
                break;
            }
            let width = 1 + self.rng.below(3);
            let deeper = format!("{pad}{}", indent(self.rng, width));
            let text = if self.flavor == Flavor::Any {
                self.rng
                    .pick(&[
                        "more",
                        "-continued # c",
                        "k = v",
                        "# looks like a comment",
                        "[profile z]",
                    ])
                    .to_string()
            } else {
                self.rng
                    .pick(&["more", "-continued", "k = v", "[profile z]"])
                    .to_string()
            };
            self.lines.push(format!("{deeper}{text}"));
        }
    }

    fn garbage(&mut self) {
        let line = self
            .rng
            .pick(&[
                "key : value",
                "= value",
                "no equals here",
                "[unterminated",
                "[abc = x",
                "[profile ok] trailing",
                "my key = x",
                "\u{feff}bom = x",
                " -continued",
            ])
            .to_string();
        self.lines.push(line);
    }
}

/// One generated config or credentials file.
pub fn file(rng: &mut Rng, flavor: Flavor, credentials: bool) -> String {
    let mut lines: Vec<String> = Vec::new();
    // Half the files keep to what the spec reads, so that the comparison with the SDK for
    // Rust covers plain files as much as odd ones.
    let odd = rng.chance(50);
    if rng.chance(20) {
        let c = comment(rng);
        lines.push(c);
    }
    if odd && rng.chance(10) {
        // botocore skips an indented comment before the first header; the spec refuses it.
        let pad = indent(rng, 2);
        lines.push(format!("{pad}# first"));
    }
    if flavor == Flavor::Any && rng.chance(3) {
        lines.push("orphan = value".into());
    }
    let mut used: Vec<String> = Vec::new();
    // The last section's property indentation, and whether it had a property.
    let mut prev: Option<(usize, bool)> = None;
    for _ in 0..rng.below(5) {
        let (header, key) = header(rng, flavor, credentials, odd);
        if flavor == Flavor::Agreeable {
            if used.contains(&key) {
                continue;
            }
            used.push(key);
        }
        // An indented header is a header for botocore (the spec refuses it) where no
        // property could take it as a continuation: after a header, or no deeper than the
        // properties of a section of indented ones. Elsewhere both see a continuation.
        let width = 1 + rng.below(2);
        let pad = match prev {
            Some((k, true)) if width > k => String::new(),
            _ if odd && rng.chance(10) => indent(rng, width),
            _ => String::new(),
        };
        lines.push(format!("{pad}{header}"));
        let k = if odd && rng.chance(40) {
            1 + rng.below(4)
        } else {
            0
        };
        let mut section = Section {
            rng,
            flavor,
            lines: &mut lines,
            k,
            keys: Vec::new(),
            odd,
        };
        section.body();
        prev = Some((k, !section.keys.is_empty()));
        if k > 0 && rng.chance(30) {
            lines.push(String::new());
        }
    }
    let eol = match rng.below(10) {
        0..=5 => "\n",
        6..=8 => "\r\n",
        _ if odd => "\r",
        _ => "\n",
    };
    let mut text = lines.join(eol);
    if rng.chance(70) && !text.is_empty() {
        text.push_str(eol);
    }
    text
}

/// A header line for a section, and the key botocore files it under (to keep sections
/// unique, since botocore refuses a file that repeats one).
fn header(rng: &mut Rng, flavor: Flavor, credentials: bool, odd: bool) -> (String, String) {
    let name = if flavor == Flavor::Any && rng.chance(10) {
        *rng.pick(INVALID_NAMES)
    } else {
        *rng.pick(NAMES)
    };
    let sep = rng.pick(&[" ", "\t", "  "]);
    let inner = if credentials {
        match rng.below(12) {
            0 if flavor == Flavor::Any => format!("profile{sep}{name}"),
            1 if flavor == Flavor::Any => format!("sso-session{sep}{name}"),
            2 => "default".to_string(),
            _ => name.to_string(),
        }
    } else {
        match rng.below(12) {
            0 => "default".to_string(),
            1 => format!("sso-session{sep}{name}"),
            2 => format!("services{sep}{name}"),
            3 => name.to_string(),
            4 if flavor == Flavor::Any => "profile default".to_string(),
            5 if flavor == Flavor::Any => format!(" profile{sep}{name} "),
            _ => format!("profile{sep}{name}"),
        }
    };
    let key = inner.split_whitespace().collect::<Vec<_>>().join(" ");
    let key = match key.strip_prefix("profile ") {
        Some("default") => "default".to_string(),
        _ => key,
    };
    let tail = match rng.below(8) {
        0 => " # comment".to_string(),
        1 => ";c".to_string(),
        // Text after `]`: botocore keeps the header, the spec refuses the line.
        2 if odd => " trailing words".to_string(),
        _ => String::new(),
    };
    (format!("[{inner}]{tail}"), key)
}
