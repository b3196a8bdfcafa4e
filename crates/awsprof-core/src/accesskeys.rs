//! The access-key files that the AWS console downloads.
//!
//! - The current IAM layout: `Access key ID,Secret access key`.
//! - The old IAM layout (the only one `aws configure import` reads):
//!   `User name,Password,Access key ID,Secret access key,Console login link`, one row a user.
//! - The old root-user `rootkey.csv`, not CSV at all: `AWSAccessKeyId=...` and
//!   `AWSSecretKey=...` lines. Keys read from it are marked [`AccessKey::root`].
//!
//! Columns are found by name (case and spacing ignored), a UTF-8 byte-order mark and
//! CRLF line ends are accepted, and anything else is an error naming what is wrong.

/// One access key read from a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessKey {
    /// The IAM user name, when the file has that column.
    pub user_name: Option<String>,
    /// The access key id.
    pub access_key_id: String,
    /// The secret access key.
    pub secret_access_key: String,
    /// The file is the root user's key file.
    pub root: bool,
    /// 1-based line of the row in the file.
    pub line: usize,
}

/// Why a key file could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CsvError {
    /// Nothing in it.
    #[error("the file is empty")]
    Empty,
    /// Bytes no text file has.
    #[error("this is not a text file (line {line} has a NUL byte or is not UTF-8); expected the access-key CSV from the IAM console")]
    Binary {
        /// 1-based line of the first bad byte.
        line: usize,
    },
    /// The header lacks a column.
    #[error("line 1: no `{column}` column (found: {found}); expected the IAM console's access-key CSV with `Access key ID` and `Secret access key`")]
    MissingColumn {
        /// The column's name.
        column: &'static str,
        /// The header as read.
        found: String,
    },
    /// A row too short or with an empty field.
    #[error("line {line}: no value in the `{column}` column")]
    MissingValue {
        /// 1-based line.
        line: usize,
        /// The column's name.
        column: &'static str,
    },
    /// The header is there but no row follows.
    #[error("the file has a header but no access key rows")]
    NoRows,
    /// The CSV syntax itself is broken.
    #[error("line {line}: {message}")]
    Syntax {
        /// 1-based line.
        line: usize,
        /// The CSV reader's message.
        message: String,
    },
}

/// The IAM user name in the name of the file the IAM console downloads,
/// `USERNAME_accessKeys.csv`, as a browser may have saved it again (`alice_accessKeys (1).csv`,
/// `alice_accessKeys(2).csv`). `None` for any other name. The name is not checked: an IAM
/// user name may hold characters (`=`, `,`) that a profile name cannot.
pub fn user_from_file_name(file_name: &str) -> Option<&str> {
    let stem = strip_suffix_ignoring_case(file_name, ".csv")?;
    // A browser's copy number: "name (1)" or "name(1)".
    let stem = match stem.strip_suffix(')').and_then(|s| s.rsplit_once('(')) {
        Some((before, n)) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => {
            before.trim_end()
        }
        _ => stem,
    };
    let user = strip_suffix_ignoring_case(stem, "_accessKeys")?;
    (!user.is_empty()).then_some(user)
}

fn strip_suffix_ignoring_case<'a>(text: &'a str, suffix: &str) -> Option<&'a str> {
    let cut = text.len().checked_sub(suffix.len())?;
    let (head, tail) = (text.get(..cut)?, text.get(cut..)?);
    tail.eq_ignore_ascii_case(suffix).then_some(head)
}

fn normalize(header: &str) -> String {
    header
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_lowercase()
}

fn line_of(bytes: &[u8], offset: usize) -> usize {
    bytes[..offset].iter().filter(|&&b| b == b'\n').count() + 1
}

/// Reads every access key in `bytes`.
pub fn parse(bytes: &[u8]) -> Result<Vec<AccessKey>, CsvError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Some(i) = bytes.iter().position(|&b| b == 0) {
        return Err(CsvError::Binary {
            line: line_of(bytes, i),
        });
    }
    let text = std::str::from_utf8(bytes).map_err(|e| CsvError::Binary {
        line: line_of(bytes, e.valid_up_to()),
    })?;
    if text.trim().is_empty() {
        return Err(CsvError::Empty);
    }
    if text.trim_start().starts_with("AWSAccessKeyId") {
        return parse_rootkey(text);
    }
    let mut reader = ::csv::ReaderBuilder::new()
        .flexible(true)
        .trim(::csv::Trim::All)
        .from_reader(text.as_bytes());
    let raw_headers = reader.headers().map_err(|e| syntax(&e))?.clone();
    let headers: Vec<String> = raw_headers.iter().map(normalize).collect();
    let find = |names: &[&str]| headers.iter().position(|h| names.contains(&h.as_str()));
    let found = raw_headers.iter().collect::<Vec<_>>().join(",");
    let id_col = find(&["access key id", "accesskeyid", "access key"]).ok_or_else(|| {
        CsvError::MissingColumn {
            column: "Access key ID",
            found: found.clone(),
        }
    })?;
    let secret_col = find(&["secret access key", "secretaccesskey", "secret key"]).ok_or(
        CsvError::MissingColumn {
            column: "Secret access key",
            found,
        },
    )?;
    let user_col = find(&["user name", "username", "user"]);
    let mut keys = Vec::new();
    for row in reader.records() {
        let row = row.map_err(|e| syntax(&e))?;
        if row.iter().all(str::is_empty) {
            continue;
        }
        let line = row.position().map_or(0, |p| p.line() as usize);
        let field = |col: usize, column: &'static str| {
            row.get(col)
                .filter(|v| !v.is_empty())
                .map(str::to_string)
                .ok_or(CsvError::MissingValue { line, column })
        };
        keys.push(AccessKey {
            user_name: user_col
                .and_then(|c| row.get(c))
                .filter(|v| !v.is_empty())
                .map(str::to_string),
            access_key_id: field(id_col, "Access key ID")?,
            secret_access_key: field(secret_col, "Secret access key")?,
            root: false,
            line,
        });
    }
    if keys.is_empty() {
        return Err(CsvError::NoRows);
    }
    Ok(keys)
}

fn syntax(e: &::csv::Error) -> CsvError {
    CsvError::Syntax {
        line: e.position().map_or(0, |p| p.line() as usize),
        message: e.to_string(),
    }
}

fn parse_rootkey(text: &str) -> Result<Vec<AccessKey>, CsvError> {
    let mut id = None;
    let mut secret = None;
    for (i, line) in text.lines().enumerate() {
        match line.split_once('=') {
            Some((k, v)) if k.trim() == "AWSAccessKeyId" => {
                id = Some((i + 1, v.trim().to_string()))
            }
            Some((k, v)) if k.trim() == "AWSSecretKey" => secret = Some(v.trim().to_string()),
            _ => {}
        }
    }
    let (line, access_key_id) =
        id.filter(|(_, v)| !v.is_empty())
            .ok_or(CsvError::MissingValue {
                line: 1,
                column: "AWSAccessKeyId",
            })?;
    let secret_access_key = secret
        .filter(|v| !v.is_empty())
        .ok_or(CsvError::MissingValue {
            line: line + 1,
            column: "AWSSecretKey",
        })?;
    Ok(vec![AccessKey {
        user_name: None,
        access_key_id,
        secret_access_key,
        root: true,
        line,
    }])
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "AKIAIOSFODNN7EXAMPLE";
    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    #[test]
    fn new_layout_with_bom_and_crlf() {
        let text = format!("\u{feff}Access key ID,Secret access key\r\n{ID},{SECRET}\r\n");
        let keys = parse(text.as_bytes()).unwrap();
        assert_eq!(keys.len(), 1);
        assert_eq!(
            (keys[0].access_key_id.as_str(), keys[0].user_name.as_deref()),
            (ID, None)
        );
    }

    #[test]
    fn the_console_file_name_gives_the_user_name() {
        for (file, user) in [
            ("alice_accessKeys.csv", Some("alice")),
            ("alice_accessKeys (1).csv", Some("alice")),
            ("alice_accessKeys(12).csv", Some("alice")),
            ("ci.bot@example_accesskeys.CSV", Some("ci.bot@example")),
            ("a_b_accessKeys.csv", Some("a_b")),
            ("_accessKeys.csv", None),
            ("alice_accessKeys.txt", None),
            ("alice.csv", None),
            ("rootkey.csv", None),
            ("alice_accessKeys (x).csv", None),
            ("é_accessKeys.csv", Some("é")),
            ("é.csv", None),
        ] {
            assert_eq!(user_from_file_name(file), user, "{file}");
        }
    }

    #[test]
    fn old_layout_with_user_names() {
        let text = format!("User name,Password,Access key ID,Secret access key,Console login link\nalice,,{ID},{SECRET},https://x\n");
        let keys = parse(text.as_bytes()).unwrap();
        assert_eq!(keys[0].user_name.as_deref(), Some("alice"));
        assert_eq!(keys[0].secret_access_key, SECRET);
        assert_eq!(keys[0].line, 2);
    }

    #[test]
    fn rootkey_file_is_marked_root() {
        let text = format!("AWSAccessKeyId={ID}\r\nAWSSecretKey={SECRET}\r\n");
        let keys = parse(text.as_bytes()).unwrap();
        assert!(keys[0].root);
        assert_eq!(keys[0].secret_access_key, SECRET);
    }

    #[test]
    fn broken_files() {
        assert_eq!(parse(b""), Err(CsvError::Empty));
        assert!(matches!(
            parse(b"\x00\x01\x02"),
            Err(CsvError::Binary { line: 1 })
        ));
        assert!(matches!(
            parse(b"a\n\xff\xfe"),
            Err(CsvError::Binary { line: 2 })
        ));
        assert!(matches!(
            parse(b"Access key ID\nAKIA\n"),
            Err(CsvError::MissingColumn {
                column: "Secret access key",
                ..
            })
        ));
        assert!(matches!(
            parse(format!("Access key ID,Secret access key\n{ID}\n").as_bytes()),
            Err(CsvError::MissingValue { line: 2, .. })
        ));
        assert_eq!(
            parse(b"Access key ID,Secret access key\n"),
            Err(CsvError::NoRows)
        );
    }
}
