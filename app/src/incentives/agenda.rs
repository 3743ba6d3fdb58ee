//! What the ledger puts on a home page: for a partner what it is owed and this quarter's rebate
//! forecast, and the SPIFFs open to it; for an admin the ended quarters to close and the payouts to make.

use chrono::{DateTime, Utc};

use super::ledger::{self, quarter_label};
use super::spiffs::Basis;
use super::{store, tally_by};
use crate::auth::reach::Reach;
use crate::db::Db;
use crate::error::AppError;
use crate::money::{Money, amount_text};
use crate::tiers::form::percent_text;
use crate::ui::agenda::{AgendaItem, AgendaSection, Urgency};

/// A partner's earnings: what it is owed per currency, and where its rebate stands this quarter.
pub async fn partner_section(db: &Db, organisation_id: i64, now: DateTime<Utc>) -> Result<AgendaSection, AppError> {
    let rows = store::by_partner(db, Reach::Own { organisation_id }).await?;
    let mut items: Vec<AgendaItem> =
        tally_by(rows.into_iter().map(|((_, _, currency), status, sum)| (currency, status, sum)))
            .into_iter()
            .filter(|(_, tally)| tally.unpaid() != 0)
            .map(|(currency, tally)| AgendaItem {
                title: format!("{} owed to you", amount_text(tally.unpaid(), &currency)),
                badge: "Earnings".into(),
                detail: format!(
                    "{} approved for the next payout, {} accrued until its quarter closes; {} paid so far.",
                    amount_text(tally.approved, &currency),
                    amount_text(tally.accrued, &currency),
                    amount_text(tally.paid, &currency)
                ),
                href: "/earnings".into(),
                urgency: Urgency::Done,
            })
            .collect();
    let running = ledger::quarter_of(now.date_naive());
    if let (Some(forecast), currency) = store::forecast_of(db, organisation_id, now).await? {
        let money = |minor: i64| Money { minor, currency }.display();
        let detail = match forecast.next {
            Some((_, rate, distance)) => {
                format!("{} more won revenue this quarter reaches {}.", money(distance), percent_text(rate))
            }
            None => "The top rate is reached.".to_owned(),
        };
        items.push(AgendaItem {
            title: format!("Volume rebate of {} so far", quarter_label(running)),
            badge: money(forecast.accrual_minor),
            detail,
            href: "/earnings".into(),
            urgency: if forecast.next.is_some() { Urgency::Waiting } else { Urgency::Done },
        });
    }
    let (tier, partner_type) = store::spiffs::tier_and_type(db, organisation_id).await?;
    let today = now.date_naive();
    for spiff in store::spiffs::list(db).await? {
        if spiff.offered_to(tier, partner_type, today) {
            let payout = Money { minor: spiff.payout_minor, currency: spiff.currency }.display();
            items.push(AgendaItem {
                title: format!("SPIFF: {}", spiff.name),
                badge: match spiff.basis {
                    Basis::PerDeal => format!("{payout} a deal"),
                    Basis::PerRep => format!("{payout} a rep"),
                },
                detail: format!("{}; deals won until {}.", spiff.describe(), spiff.ends_on),
                href: "/spiffs".into(),
                urgency: Urgency::Waiting,
            });
        }
    }
    items.extend(super::mdf::agenda::partner_items(db, organisation_id, today).await?);
    Ok(AgendaSection::new(
        "earnings",
        "Earnings",
        items,
        "Nothing owed yet: margins accrue as registered deals are won.",
    )
    .with_more("Your statement", "/earnings"))
}

/// An admin's incentives: ended quarters still open, approved entries waiting for a run, runs to pay.
pub async fn admin_section(db: &Db, now: DateTime<Utc>) -> Result<AgendaSection, AppError> {
    let mut items = Vec::new();
    for (start, closed_at, _) in store::periods(db).await? {
        if closed_at.is_none() && ledger::has_ended(start, now) {
            items.push(AgendaItem {
                title: format!("Close {}", quarter_label(start)),
                badge: "Ended".into(),
                detail: "Closing books its volume rebates and approves its entries for payment.".into(),
                href: format!("/incentives?close={}", ledger::quarter_key(start)),
                urgency: Urgency::Soon,
            });
        }
    }
    for row in store::payable(db).await? {
        items.push(AgendaItem {
            title: format!("{} approved, waiting for a payout run", amount_text(row.amount_minor, &row.currency)),
            badge: quarter_label(row.period_start),
            detail: crate::text::count(row.entries, "entry", "entries"),
            href: "/incentives".into(),
            urgency: Urgency::Waiting,
        });
    }
    for run in store::runs(db).await?.into_iter().filter(|run| run.paid_at.is_none()) {
        let amounts: Vec<String> = run.totals.iter().map(|(currency, sum)| amount_text(*sum, currency)).collect();
        items.push(AgendaItem {
            title: format!("Payout run #{} waits to be paid", run.id),
            badge: quarter_label(run.period_start),
            detail: format!(
                "{} to {}: export it for accounts payable, then mark it paid.",
                amounts.join(" and "),
                crate::text::count(run.partners, "partner", "partners")
            ),
            href: "/incentives".into(),
            urgency: Urgency::Soon,
        });
    }
    Ok(AgendaSection::new(
        "incentives",
        "Incentives",
        items,
        "Every ended quarter is closed and every approved entry paid.",
    )
    .with_more("Incentives", "/incentives"))
}
