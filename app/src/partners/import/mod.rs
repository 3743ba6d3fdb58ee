//! Partner import: an admin adds partner organisations and invites their first admins from a CSV
//! file (a spreadsheet's export: Excel's byte-order mark, `;` separators, CRLF line ends and quoted
//! fields included). The upload is kept and previewed: every bad row is named and nothing is
//! written until the file has none. The import then runs in batches (a progress bar in the
//! browser; the whole file at once for a plain form post), each batch one transaction that also
//! counts it done, so an import stopped half-way carries on where it stopped. A partner whose name
//! is taken already is left as it is, so importing the same file again changes nothing.

mod pages;
#[cfg(feature = "ssr")]
pub mod parse;
pub mod server;
#[cfg(feature = "ssr")]
pub mod store;

pub use pages::{PartnerImportPage, PartnerImportsPage};

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The columns a file may have, as its header names them (in any order, in any case, with spaces
/// for underscores); the first two are required.
pub const COLUMNS: [&str; 9] =
    ["company", "admin_email", "partner_type", "tier", "region", "channel_manager", "website", "city", "country"];
/// The most rows one file takes.
pub const MAX_ROWS: usize = 10_000;
/// The largest file taken, in bytes.
pub const MAX_BYTES: usize = 4 * 1024 * 1024;
/// The rows one step of an import writes, in one transaction.
pub const BATCH: usize = 100;
/// The rows the preview shows of a file (the counts cover all of them).
pub const SHOWN_ROWS: usize = 50;
/// The example file the page offers, under `public/`.
pub const EXAMPLE_PATH: &str = "/partner-import-example.csv";

/// A row of the file, checked against the program (its ids resolved).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportRow {
    /// The row's number as a spreadsheet shows it (the header is row 1).
    pub line: usize,
    pub company: String,
    /// Lower case, as sign-in compares it.
    pub admin_email: String,
    pub partner_type_id: Option<i64>,
    pub tier_id: i64,
    /// As the program's list writes it.
    pub region: Option<String>,
    pub channel_manager_id: Option<i64>,
    pub website: String,
    pub city: String,
    pub country: String,
    /// The names as the preview shows them.
    pub shown: ShownRow,
}

/// A row as the preview shows it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShownRow {
    pub line: usize,
    pub company: String,
    pub admin_email: String,
    pub partner_type: String,
    pub tier: String,
    pub region: String,
}

/// A row that cannot be imported, and every reason why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BadRow {
    pub line: usize,
    pub problems: Vec<String>,
}

impl BadRow {
    pub fn text(&self) -> String {
        format!("Row {}: {}.", self.line, self.problems.join("; "))
    }
}

/// The file read against the program: its good rows and its bad ones.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Parsed {
    pub rows: Vec<ImportRow>,
    pub bad: Vec<BadRow>,
}

/// What importing a good row does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RowOutcome {
    /// A new partner, its admin invited.
    New,
    /// A partner of that name exists: left as it is.
    AlreadyThere,
}

impl RowOutcome {
    pub fn label(self) -> &'static str {
        match self {
            RowOutcome::New => "New partner; admin invited",
            RowOutcome::AlreadyThere => "Already a partner: left as it is",
        }
    }
}

/// Who exists already, as the plan needs to know it.
#[derive(Clone, Debug, Default)]
pub struct Existing {
    /// Every organisation's name in lower case (as Rust folds it: the database's own comparison
    /// is the last word, when a partner is added), and whether it is the vendor.
    pub organisations: HashMap<String, bool>,
    /// Every person's sign-in address (lower case), with their organisation's name.
    pub people: HashMap<String, String>,
}

/// What importing `parsed` does, given who exists: each good row's outcome, and the bad rows
/// (those of the file, and those whose new partner's admin already signs in elsewhere or whose
/// name is the vendor's). Rows come in the file's order.
pub fn plan(parsed: Parsed, existing: &Existing) -> (Vec<(ImportRow, RowOutcome)>, Vec<BadRow>) {
    let Parsed { rows, mut bad } = parsed;
    let mut planned = Vec::with_capacity(rows.len());
    for row in rows {
        match existing.organisations.get(&row.company.to_lowercase()) {
            Some(true) => {
                bad.push(BadRow { line: row.line, problems: vec![format!("{} is the vendor's own name", row.company)] })
            }
            Some(false) => planned.push((row, RowOutcome::AlreadyThere)),
            None => match existing.people.get(&row.admin_email) {
                Some(organisation) => bad.push(BadRow {
                    line: row.line,
                    problems: vec![format!("{} already signs in to Tessera, at {organisation}", row.admin_email)],
                }),
                None => planned.push((row, RowOutcome::New)),
            },
        }
    }
    bad.sort_by_key(|row| row.line);
    (planned, bad)
}

/// The rows of a planned file from position `done` on (rows in the file's order, bad ones
/// included, so a position means the same row whatever turned bad since): what is left to import,
/// the bad rows among it, and how many rows the file has.
pub fn from_position(
    planned: Vec<(ImportRow, RowOutcome)>,
    bad: Vec<BadRow>,
    done: usize,
) -> (Vec<(ImportRow, RowOutcome)>, Vec<BadRow>, usize) {
    let mut lines: Vec<usize> = planned.iter().map(|(row, _)| row.line).chain(bad.iter().map(|row| row.line)).collect();
    lines.sort_unstable();
    let total = lines.len();
    let Some(&first) = lines.get(done) else { return (Vec::new(), Vec::new(), total) };
    let left = planned.into_iter().filter(|(row, _)| row.line >= first).collect();
    (left, bad.into_iter().filter(|row| row.line >= first).collect(), total)
}

/// "1 row", "3 rows": how many rows, as a message says it.
pub fn rows_text(count: usize) -> String {
    format!("{count} {}", if count == 1 { "row" } else { "rows" })
}

/// How far an import has come.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportProgress {
    pub done: usize,
    pub total: usize,
    pub created: usize,
    pub unchanged: usize,
    pub finished: bool,
}

impl ImportProgress {
    pub fn percent(&self) -> usize {
        if self.total == 0 { 100 } else { self.done * 100 / self.total }
    }
}

/// An uploaded file as its page shows it: the preview until it is imported, then what it did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportView {
    pub id: i64,
    pub file_name: String,
    pub uploaded_by: String,
    pub uploaded_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    /// The rows not imported yet that cannot be: while there is one, none is.
    pub bad: Vec<BadRow>,
    /// Of the rows not imported yet, those that make new partners, and those already partners.
    pub new_partners: usize,
    pub already_there: usize,
    /// The first rows not imported yet, with what importing them does.
    pub shown: Vec<(ShownRow, RowOutcome)>,
    pub progress: ImportProgress,
}

/// An uploaded file in the list of imports.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct ImportSummary {
    pub id: i64,
    pub file_name: String,
    pub uploaded_by: String,
    pub uploaded_at: DateTime<Utc>,
    pub total: i64,
    pub done: i64,
    pub created: i64,
    pub finished_at: Option<DateTime<Utc>>,
}

#[cfg(all(test, feature = "ssr"))]
mod tests;
