//! The vendor's own pipeline, imported from CSV by an admin. The conflict check looks here too,
//! so partners do not register customers the vendor is already working.
//!
//! The file is checked whole before anything is written: one bad row and nothing is imported,
//! with a message for every bad row.

use super::{domain, matching};
use crate::money::{Currency, Money};

use super::PIPELINE_COLUMNS as COLUMNS;
/// The most rows one import takes.
pub const MAX_ROWS: usize = 50_000;
/// The most row errors reported (the rest are summed up).
const MAX_REPORTED: usize = 20;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PipelineRow {
    pub reference: String,
    pub customer_company: String,
    pub company_key: String,
    pub customer_domain: String,
    pub amount: Money,
    pub stage: String,
    pub owner: String,
}

/// Every row of the file, or a message for each bad row (numbered as a spreadsheet shows them).
pub fn parse(text: &str) -> Result<Vec<PipelineRow>, Vec<String>> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).trim(csv::Trim::All).from_reader(text.as_bytes());
    let headers = match reader.headers() {
        Ok(headers) => headers.iter().map(|h| h.to_lowercase()).collect::<Vec<_>>(),
        Err(error) => return Err(vec![format!("The file is not CSV: {error}")]),
    };
    let missing: Vec<_> = COLUMNS.iter().filter(|c| !headers.iter().any(|h| h == *c)).copied().collect();
    if !missing.is_empty() {
        return Err(vec![format!(
            "Row 1: the header must name the columns {}; missing: {}.",
            COLUMNS.join(", "),
            missing.join(", ")
        )]);
    }
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap_or(0);
    let at: Vec<usize> = COLUMNS.iter().map(|c| column(c)).collect();
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    let mut references = std::collections::HashSet::new();
    for (index, record) in reader.records().enumerate() {
        let line = index + 2;
        if index >= MAX_ROWS {
            errors.push(format!("The file has more than {MAX_ROWS} rows; split it."));
            break;
        }
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                errors.push(format!("Row {line}: cannot be read ({error})."));
                continue;
            }
        };
        let field = |i: usize| record.get(at[i]).unwrap_or("").to_owned();
        let mut problems = Vec::new();
        let reference = field(0);
        if reference.is_empty() {
            problems.push("the reference is empty".to_owned());
        } else if !references.insert(reference.clone()) {
            problems.push(format!("the reference {reference} appears twice"));
        }
        let customer_company = field(1);
        if customer_company.is_empty() {
            problems.push("the customer company is empty".to_owned());
        }
        let customer_domain = match domain::normalise_domain(&field(2)) {
            Ok(domain) => Some(domain),
            Err(error) => {
                problems.push(format!("customer domain: {error}"));
                None
            }
        };
        let amount = match Currency::parse(&field(4)) {
            Some(currency) => Money::parse_positive(&field(3), currency)
                .map_err(|message| problems.push(format!("amount: {message}")))
                .ok(),
            None => {
                problems.push(format!("the currency {:?} is not one Tessera knows", field(4)));
                None
            }
        };
        let (stage, owner) = (field(5), field(6));
        if stage.is_empty() {
            problems.push("the stage is empty".to_owned());
        }
        for (name, value) in
            [("reference", &reference), ("customer company", &customer_company), ("stage", &stage), ("owner", &owner)]
        {
            if crate::text::has_control_characters(value) {
                problems.push(format!("the {name} has a line break or tab"));
            }
        }
        match (customer_domain, amount, problems.is_empty()) {
            (Some(customer_domain), Some(amount), true) => rows.push(PipelineRow {
                company_key: matching::normalise_company_name(&customer_company),
                reference,
                customer_company,
                customer_domain,
                amount,
                stage,
                owner: if owner.is_empty() { "Vendor pipeline".to_owned() } else { owner },
            }),
            _ => errors.push(format!("Row {line}: {}.", problems.join("; "))),
        }
    }
    if rows.is_empty() && errors.is_empty() {
        errors.push("The file has no rows under its header.".to_owned());
    }
    if errors.len() > MAX_REPORTED {
        let more = errors.len() - MAX_REPORTED;
        errors.truncate(MAX_REPORTED);
        errors.push(format!("…and {more} more bad rows."));
    }
    if errors.is_empty() { Ok(rows) } else { Err(errors) }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "reference,customer_company,customer_domain,amount,currency,stage,owner\n";

    #[test]
    fn a_good_file_gives_every_row_normalised() {
        let text = format!(
            "{HEADER}OPP-1,Globex Inc.,www.globex.com,\"120,000\",USD,Proposal,Dana\nOPP-2,Initech,initech.co.uk,500,gbp,Discovery,\n"
        );
        let rows = parse(&text).expect("valid");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].customer_domain, "globex.com");
        assert_eq!(rows[0].company_key, "globex");
        assert_eq!(rows[0].amount.minor, 12_000_000);
        assert_eq!(rows[1].owner, "Vendor pipeline");
    }

    #[test]
    fn columns_may_come_in_any_order() {
        let text =
            "owner,stage,currency,amount,customer_domain,customer_company,reference\nDana,Won,EUR,10,acme.de,Acme,X1\n";
        assert_eq!(parse(text).expect("valid")[0].reference, "X1");
    }

    #[test]
    fn every_bad_row_is_named_and_nothing_is_returned() {
        let text = format!(
            "{HEADER}OPP-1,Globex,globex.com,100,USD,Proposal,Dana\nOPP-2,,localhost,-5,USD,Proposal,Dana\nOPP-1,Hooli,hooli.com,10,XYZ,,Dana\n"
        );
        let errors = parse(&text).expect_err("invalid");
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(
            errors[0].starts_with("Row 3:") && errors[0].contains("customer company") && errors[0].contains("amount")
        );
        assert!(errors[1].starts_with("Row 4:") && errors[1].contains("appears twice") && errors[1].contains("XYZ"));
    }

    #[test]
    fn a_missing_column_or_an_empty_file_is_refused() {
        assert!(
            parse("reference,customer_company\nA,B\n").expect_err("header")[0].contains("missing: customer_domain")
        );
        assert!(parse(HEADER).expect_err("empty")[0].contains("no rows"));
        assert!(parse("").is_err());
    }
}
