//! Reading an uploaded partner file: its text (UTF-8, with or without Excel's byte-order mark),
//! its separator (`,` or `;`, as its header uses), and each row checked against the program.

use std::collections::HashSet;

use super::{BadRow, COLUMNS, ImportRow, MAX_ROWS, Parsed, ShownRow};
use crate::auth::forms::EmailAddress;
use crate::partners::profile::MAX_LINE;

/// What a row's names are checked against: the program's partner types, tiers (the entry tier
/// first), regions and channel managers, as (id, name) and, for managers, (id, email).
#[derive(Clone, Debug, Default)]
pub struct Catalogue {
    pub partner_types: Vec<(i64, String)>,
    pub tiers: Vec<(i64, String)>,
    pub regions: Vec<String>,
    pub channel_managers: Vec<(i64, String)>,
}

/// The file's text: UTF-8 without the byte-order mark a spreadsheet may put first.
pub fn decode(bytes: &[u8]) -> Result<String, String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    String::from_utf8(bytes.to_vec())
        .map_err(|_| "The file is not UTF-8 text. In Excel, save it as \"CSV UTF-8 (Comma delimited)\".".to_owned())
}

/// The separator the header line uses: `;` (Excel in much of Europe), a tab, or `,`.
fn separator(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or_default();
    let count = |c: char| header.matches(c).count();
    [b';', b'\t'].into_iter().find(|&c| count(c as char) > count(',')).unwrap_or(b',')
}

/// A header's name as a column: lower case, spaces and dashes as underscores.
fn column_name(header: &str) -> String {
    header.trim().to_lowercase().replace([' ', '-'], "_")
}

/// Every row of the file checked against `catalogue`: the good rows resolved, and every bad row
/// with all its problems. A file that cannot be read as rows at all is one message.
pub fn parse(text: &str, catalogue: &Catalogue) -> Result<Parsed, String> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(separator(text))
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = match reader.headers() {
        Ok(headers) => headers.iter().map(column_name).collect(),
        Err(error) => return Err(format!("The file is not CSV: {error}")),
    };
    let missing: Vec<&str> = COLUMNS[..2].iter().filter(|c| !headers.iter().any(|h| h == *c)).copied().collect();
    if !missing.is_empty() {
        return Err(format!(
            "Row 1 must name the columns; it lacks {}. The columns are {}.",
            missing.join(" and "),
            COLUMNS.join(", ")
        ));
    }
    let at: Vec<Option<usize>> = COLUMNS.iter().map(|c| headers.iter().position(|h| h == c)).collect();
    let mut parsed = Parsed::default();
    let (mut companies, mut emails) = (HashSet::new(), HashSet::new());
    for (index, record) in reader.records().enumerate() {
        let line = index + 2;
        if index >= MAX_ROWS {
            return Err(format!("The file has more than {MAX_ROWS} rows: split it into smaller files."));
        }
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                parsed.bad.push(BadRow { line, problems: vec![format!("cannot be read ({error})")] });
                continue;
            }
        };
        if record.iter().all(str::is_empty) {
            continue;
        }
        let field = |i: usize| at[i].and_then(|at| record.get(at)).unwrap_or("").to_owned();
        match row(line, field, catalogue, (&mut companies, &mut emails)) {
            Ok(row) => parsed.rows.push(row),
            Err(problems) => parsed.bad.push(BadRow { line, problems }),
        }
    }
    if parsed.rows.is_empty() && parsed.bad.is_empty() {
        return Err("The file has no rows under its header.".to_owned());
    }
    Ok(parsed)
}

/// One row checked: the row, or every problem it has.
fn row(
    line: usize,
    field: impl Fn(usize) -> String,
    catalogue: &Catalogue,
    (companies, emails): (&mut HashSet<String>, &mut HashSet<String>),
) -> Result<ImportRow, Vec<String>> {
    let mut problems = Vec::new();
    let company = field(0);
    if company.is_empty() {
        problems.push("the company is empty".to_owned());
    } else if company.chars().count() > MAX_LINE {
        problems.push(format!("the company has more than {MAX_LINE} characters"));
    } else if !companies.insert(company.to_lowercase()) {
        problems.push(format!("{company} is in the file twice"));
    }
    let admin_email = match EmailAddress::parse(&field(1)) {
        Ok(email) if !emails.insert(email.as_str().to_owned()) => {
            problems.push(format!("{} is in the file twice", email.as_str()));
            String::new()
        }
        Ok(email) => email.as_str().to_owned(),
        Err(_) if field(1).is_empty() => {
            problems.push("the admin email is empty".to_owned());
            String::new()
        }
        Err(_) => {
            problems.push(format!("the admin email {:?} is not an email address", field(1)));
            String::new()
        }
    };
    let named = |value: &str, list: &[(i64, String)]| {
        list.iter().find(|(_, name)| name.to_lowercase() == value.to_lowercase()).cloned()
    };
    let partner_type = match field(2) {
        value if value.is_empty() => None,
        value => named(&value, &catalogue.partner_types).or_else(|| {
            problems.push(format!("the partner type {value:?} is not one of the program's"));
            None
        }),
    };
    let tier = match field(3) {
        value if value.is_empty() => catalogue.tiers.first().cloned(),
        value => named(&value, &catalogue.tiers).or_else(|| {
            problems.push(format!("the tier {value:?} is not one of the program's"));
            None
        }),
    };
    let region = match field(4) {
        value if value.is_empty() => None,
        value => {
            catalogue.regions.iter().find(|region| region.to_lowercase() == value.to_lowercase()).cloned().or_else(
                || {
                    problems.push(format!("the region {value:?} is not one of the program's"));
                    None
                },
            )
        }
    };
    let channel_manager = match field(5) {
        value if value.is_empty() => None,
        value => named(&value, &catalogue.channel_managers).or_else(|| {
            problems.push(format!("no channel manager signs in as {value:?}"));
            None
        }),
    };
    let website = match field(6) {
        value if value.is_empty() => String::new(),
        value => crate::text::web_address(&value).map(str::to_owned).unwrap_or_else(|| {
            problems.push(format!("the website {value:?} is not a web address like https://www.company.com"));
            String::new()
        }),
    };
    let (city, country) = (field(7), field(8));
    for (name, value) in [("city", &city), ("country", &country)] {
        if value.chars().count() > MAX_LINE {
            problems.push(format!("the {name} has more than {MAX_LINE} characters"));
        }
    }
    for (name, value) in [("company", &company), ("city", &city), ("country", &country)] {
        if crate::text::has_control_characters(value) {
            problems.push(format!("the {name} has a line break or tab"));
        }
    }
    match (tier, problems.is_empty()) {
        (Some((tier_id, tier)), true) => Ok(ImportRow {
            shown: ShownRow {
                line,
                company: company.clone(),
                admin_email: admin_email.clone(),
                partner_type: partner_type.as_ref().map(|(_, name)| name.clone()).unwrap_or_default(),
                tier,
                region: region.clone().unwrap_or_default(),
            },
            line,
            company,
            admin_email,
            partner_type_id: partner_type.map(|(id, _)| id),
            tier_id,
            region,
            channel_manager_id: channel_manager.map(|(id, _)| id),
            website,
            city,
            country,
        }),
        (None, true) => Err(vec!["the program has no tiers yet".to_owned()]),
        (_, false) => Err(problems),
    }
}
