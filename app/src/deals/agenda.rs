//! What deals put on a person's home: for partners, the deals needing them and their recent wins;
//! for managers, the approvals waiting and the protection ending among their partners. The
//! store reads [`DealMoment`]s; the functions here turn them into agenda items, purely.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::status::{DealStatus, ExtensionState, TimelineKind};
use super::{QueueRow, amount_text};
use crate::auth::reach::Reach;
use crate::db::Db;
use crate::ui::agenda::{AgendaItem, AgendaSection, Urgency};

/// How long an answer (approved, rejected, extension granted or declined) stays on a home.
pub const ANSWERS_SHOWN_DAYS: i64 = 7;
/// How far ahead a home warns of protection ending.
pub const PROTECTION_WARNING_DAYS: i64 = 14;
/// How far back a partner's recent wins go.
pub const WINS_SHOWN_DAYS: i64 = 90;

/// A deal at the moment a home lists it for: when it was saved, answered, or when its protection ends.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct DealMoment {
    pub id: i64,
    pub partner_name: String,
    pub customer_company: String,
    pub status: DealStatus,
    pub moment: Option<DateTime<Utc>>,
    pub kind: Option<TimelineKind>,
    pub protected_until: Option<DateTime<Utc>>,
    #[sqlx(rename = "extension_status", try_from = "Option<String>")]
    pub extension: ExtensionState,
    pub rejection_reason: Option<String>,
    /// The final amount once closed, the registered one before.
    pub amount_minor: i64,
    pub currency: String,
    pub closed_on: Option<NaiveDate>,
}

impl DealMoment {
    /// The deal as an agenda line: its customer, a badge, what to know, how pressing.
    fn item(&self, badge: &str, detail: String, urgency: Urgency) -> AgendaItem {
        AgendaItem {
            title: self.customer_company.clone(),
            badge: badge.into(),
            detail,
            href: deal_href(self.id),
            urgency,
        }
    }
}

fn deal_href(id: i64) -> String {
    format!("/deals/{id}")
}

fn day(at: DateTime<Utc>) -> String {
    at.format("%-d %b %Y").to_string()
}

/// "today", "tomorrow", "in 9 days", "2 days ago".
fn days_from(now: DateTime<Utc>, at: DateTime<Utc>) -> String {
    let days = (at.date_naive() - now.date_naive()).num_days();
    match days {
        0 => "today".into(),
        1 => "tomorrow".into(),
        -1 => "yesterday".into(),
        n if n > 1 => format!("in {n} days"),
        n => format!("{} days ago", -n),
    }
}

/// What an answered deal asks of its partner now.
fn answer_item(moment: &DealMoment) -> Option<AgendaItem> {
    let until = moment.protected_until.map(day).unwrap_or_default();
    let (badge, detail, urgency) = match moment.kind? {
        TimelineKind::Approved => {
            ("Approved", format!("Protected until {until}. Work it, then record the outcome."), Urgency::Done)
        }
        TimelineKind::Rejected => (
            "Rejected",
            match moment.rejection_reason.as_deref().filter(|reason| !reason.is_empty()) {
                Some(reason) => format!("Reason: {reason}"),
                None => "See the reason on the deal.".into(),
            },
            Urgency::Waiting,
        ),
        TimelineKind::ExtensionApproved => ("Extension granted", format!("Protected until {until}."), Urgency::Done),
        TimelineKind::ExtensionDeclined => ("Extension declined", format!("Protection ends {until}."), Urgency::Soon),
        _ => return None,
    };
    Some(moment.item(badge, detail, urgency))
}

/// A deal whose protection ends soon, for its partner or its manager.
fn protection_item(moment: &DealMoment, now: DateTime<Utc>, for_manager: bool) -> Option<AgendaItem> {
    let until = moment.protected_until?;
    let ends = format!("Protection ends {} ({})", days_from(now, until), day(until));
    let (badge, detail, urgency) = if moment.extension == ExtensionState::Requested {
        let detail = if for_manager {
            format!("{} asks for more time. {ends}.", moment.partner_name)
        } else {
            format!("Extension requested. {ends}.")
        };
        ("Extension requested", detail, Urgency::Soon)
    } else {
        let detail = if for_manager {
            format!("{}. {ends}.", moment.partner_name)
        } else {
            format!("{ends}. Record the outcome or ask for more time.")
        };
        let urgency = if until - now <= Duration::days(3) { Urgency::Overdue } else { Urgency::Soon };
        ("Protection ending", detail, urgency)
    };
    Some(moment.item(badge, detail, urgency))
}

fn draft_item(moment: &DealMoment) -> AgendaItem {
    let saved = moment.moment.map(day).unwrap_or_default();
    moment.item(
        "Draft",
        format!("Saved {saved}, not yet submitted: submit it to protect the customer."),
        Urgency::Waiting,
    )
}

fn win_item(moment: &DealMoment) -> AgendaItem {
    let on = moment.closed_on.map(|date| date.format("%-d %b %Y").to_string()).unwrap_or_default();
    moment.item("Won", format!("{} on {on}", amount_text(moment.amount_minor, &moment.currency)), Urgency::Done)
}

/// A deal waiting for approval, for its manager: overdue, due within a day, or waiting.
pub fn approval_item(row: &QueueRow, now: DateTime<Utc>) -> AgendaItem {
    let (badge, urgency) = if row.sla_due_at < now {
        (format!("Overdue since {}", day(row.sla_due_at)), Urgency::Overdue)
    } else if row.sla_due_at - now <= Duration::days(1) {
        (format!("Due {}", days_from(now, row.sla_due_at)), Urgency::Soon)
    } else {
        (format!("Due {}", day(row.sla_due_at)), Urgency::Waiting)
    };
    let conflict = if row.possible_conflict { " Possible conflict." } else { "" };
    AgendaItem {
        title: row.customer_company.clone(),
        badge,
        detail: format!("{} · {}.{conflict}", row.partner_name, amount_text(row.amount_minor, &row.currency)),
        href: deal_href(row.id),
        urgency,
    }
}

/// The deals needing a partner: drafts, answers of the last week and protection ending, one
/// line per deal (its most pressing).
pub fn needing_partner(
    drafts: &[DealMoment],
    answers: &[DealMoment],
    ending: &[DealMoment],
    now: DateTime<Utc>,
) -> Vec<AgendaItem> {
    let mut items: Vec<(i64, AgendaItem)> = Vec::new();
    let candidates = ending
        .iter()
        .filter_map(|m| protection_item(m, now, false).map(|item| (m.id, item)))
        .chain(answers.iter().filter_map(|m| answer_item(m).map(|item| (m.id, item))))
        .chain(drafts.iter().map(|m| (m.id, draft_item(m))));
    for (id, item) in candidates {
        match items.iter_mut().find(|(seen, _)| *seen == id) {
            Some((_, kept)) if item.urgency < kept.urgency => *kept = item,
            Some(_) => {}
            None => items.push((id, item)),
        }
    }
    items.into_iter().map(|(_, item)| item).collect()
}

/// A partner's home: the deals needing them and their recent wins.
pub async fn partner_sections(db: &Db, reach: Reach, now: DateTime<Utc>) -> Result<Vec<AgendaSection>, sqlx::Error> {
    let super::store::agenda::PartnerMoments { drafts, answers, ending, wins } = super::store::agenda::partner_moments(
        db,
        reach,
        now - Duration::days(ANSWERS_SHOWN_DAYS),
        now + Duration::days(PROTECTION_WARNING_DAYS),
        (now - Duration::days(WINS_SHOWN_DAYS)).date_naive(),
    )
    .await?;
    let needing = needing_partner(&drafts, &answers, &ending, now);
    let more = needing.len() > AgendaSection::SHOWN;
    let mut needs_you =
        AgendaSection::new("needs-you", "Deals needing you", needing, "Nothing needs you: every deal is up to date.");
    if more {
        needs_you = needs_you.with_more("All our deals", "/deals");
    }
    let won = AgendaSection::new(
        "recent-wins",
        "Recent wins",
        wins.iter().map(win_item).collect(),
        "No deals won in the last 90 days yet.",
    )
    .with_more("Every won deal", "/deals?status=won");
    Ok(vec![needs_you, won])
}

/// A manager's home (or an admin's, over the program): approvals waiting, overdue first, and
/// protection ending or extension requests among their partners.
pub async fn manager_sections(db: &Db, reach: Reach, now: DateTime<Utc>) -> Result<Vec<AgendaSection>, sqlx::Error> {
    use super::store::{self, agenda};
    let queue = store::queue(db, reach).await?;
    let waiting = queue.len();
    let approvals = AgendaSection::new(
        "approvals",
        "Approvals waiting",
        queue.iter().map(|row| approval_item(row, now)).collect(),
        "No deals are waiting for approval.",
    );
    let approvals = match waiting {
        0 => approvals,
        1 => approvals.with_more("Open the approval queue (1 deal)", "/deals/queue"),
        n => approvals.with_more(format!("Open the approval queue ({n} deals)"), "/deals/queue"),
    };
    let requests = agenda::extension_requests(db, reach).await?;
    let ending = agenda::protection_ending(db, reach, now + Duration::days(PROTECTION_WARNING_DAYS)).await?;
    let mut seen = Vec::new();
    let protection = requests
        .iter()
        .chain(&ending)
        .filter(|moment| {
            let first = !seen.contains(&moment.id);
            seen.push(moment.id);
            first
        })
        .filter_map(|moment| protection_item(moment, now, true))
        .collect();
    let protection = AgendaSection::new(
        "protection",
        "Protection ending",
        protection,
        "No protection ends in the next 14 days and no extension is waiting.",
    );
    Ok(vec![approvals, protection])
}

/// An admin's reminder when the vendor's own pipeline was never imported: conflict checks then
/// compare partners only with each other.
pub async fn pipeline_gap(db: &Db) -> Result<Option<AgendaItem>, sqlx::Error> {
    let summary = super::store::pipeline::summary(db).await?;
    Ok((summary.opportunities == 0).then(|| AgendaItem {
        title: "Vendor pipeline".into(),
        badge: "Empty".into(),
        detail: "Import your own opportunities so conflict checks match partners' deals against them.".into(),
        href: "/deals/pipeline".into(),
        urgency: Urgency::Soon,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).single().expect("time")
    }

    fn moment(id: i64, status: DealStatus) -> DealMoment {
        DealMoment {
            id,
            partner_name: "Bluepeak Systems".into(),
            customer_company: format!("Customer {id}"),
            status,
            moment: Some(now() - Duration::days(1)),
            kind: None,
            protected_until: None,
            extension: ExtensionState::None,
            rejection_reason: None,
            amount_minor: 1_250_000,
            currency: "USD".into(),
            closed_on: None,
        }
    }

    #[test]
    fn a_deal_is_listed_once_for_its_most_pressing_reason() {
        let mut approved = moment(1, DealStatus::Approved);
        approved.kind = Some(TimelineKind::Approved);
        approved.protected_until = Some(now() + Duration::days(2));
        let drafts = [moment(2, DealStatus::Draft)];
        let items = needing_partner(&drafts, std::slice::from_ref(&approved), std::slice::from_ref(&approved), now());
        let badges: Vec<_> = items.iter().map(|item| (item.href.as_str(), item.badge.as_str())).collect();
        assert_eq!(badges, [("/deals/1", "Protection ending"), ("/deals/2", "Draft")]);
        assert_eq!(items[0].urgency, Urgency::Overdue, "two days left is pressing");
    }

    #[test]
    fn answers_say_what_the_partner_does_next() {
        let mut rejected = moment(3, DealStatus::Rejected);
        rejected.kind = Some(TimelineKind::Rejected);
        rejected.rejection_reason = Some("Already in the vendor's pipeline".into());
        let item = answer_item(&rejected).expect("an item");
        assert_eq!(
            (item.badge.as_str(), item.detail.as_str()),
            ("Rejected", "Reason: Already in the vendor's pipeline")
        );
        let mut reminder = moment(4, DealStatus::Approved);
        reminder.kind = Some(TimelineKind::Reminder);
        assert_eq!(answer_item(&reminder), None, "a reminder is not an answer");
    }

    #[test]
    fn approvals_are_overdue_due_soon_or_waiting_by_their_due_time() {
        let row = |hours: i64| QueueRow {
            id: 9,
            partner_name: "Bluepeak Systems".into(),
            customer_company: "Globex".into(),
            customer_domain: "globex.test".into(),
            amount_minor: 500_000,
            currency: "USD".into(),
            submitted_at: now() - Duration::days(3),
            sla_due_at: now() + Duration::hours(hours),
            possible_conflict: hours < 0,
        };
        let overdue = approval_item(&row(-30), now());
        assert_eq!((overdue.urgency, overdue.badge.as_str()), (Urgency::Overdue, "Overdue since 23 Nov 2026"));
        assert!(overdue.detail.ends_with("Possible conflict."), "{}", overdue.detail);
        assert_eq!(approval_item(&row(6), now()).urgency, Urgency::Soon);
        assert_eq!(approval_item(&row(72), now()).badge, "Due 27 Nov 2026");
    }

    #[test]
    fn protection_ending_within_three_days_is_pressing_and_a_request_names_the_partner_for_managers() {
        let mut ending = moment(5, DealStatus::Approved);
        ending.protected_until = Some(now() + Duration::days(9));
        let item = protection_item(&ending, now(), false).expect("an item");
        assert_eq!(item.urgency, Urgency::Soon);
        assert!(item.detail.starts_with("Protection ends in 9 days (3 Dec 2026)"), "{}", item.detail);
        ending.extension = ExtensionState::Requested;
        let item = protection_item(&ending, now(), true).expect("an item");
        assert_eq!(item.badge, "Extension requested");
        assert!(item.detail.starts_with("Bluepeak Systems asks for more time."), "{}", item.detail);
    }
}
