//! `seed --demo --history`: eighteen months of deal history for the demo partners, so the
//! dashboard, leaderboards and scorecards have something to show on a first run. Deterministic:
//! the same history every time, relative to today.

use app::db::Db;
use app::deals::matching::{name_prefix, normalise_company_name};
use app::deals::schedule::{PROTECTION_DAYS, sla_due};
use app::deals::status::{DealStatus, TimelineKind};
use app::deals::store::{TimelineLine, record_timeline};
use app::{on_db, on_tx};
use chrono::{DateTime, Duration, Utc};

use crate::seed::SeedError;

const CUSTOMERS: [(&str, &str); 16] = [
    ("Northwind Traders", "northwind.example"),
    ("Contoso Pharma", "contoso-pharma.example"),
    ("Fabrikam Logistics", "fabrikam.example"),
    ("Tailspin Toys", "tailspin.example"),
    ("Wide World Importers", "wideworld.example"),
    ("Litware Insurance", "litware.example"),
    ("Proseware Health", "proseware.example"),
    ("Adatum Energy", "adatum.example"),
    ("Lucerne Publishing", "lucerne.example"),
    ("Woodgrove Bank", "woodgrove.example"),
    ("Coho Vineyard", "coho.example"),
    ("Alpine Ski House", "alpineski.example"),
    ("Fourth Coffee", "fourthcoffee.example"),
    ("Humongous Insurance", "humongous.example"),
    ("Trey Research", "treyresearch.example"),
    ("Blue Yonder Airlines", "blueyonder.example"),
];

/// A small deterministic generator (xorshift), so the demo history is the same on every machine.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// The demo partner (Northwind, Sam's) whose people stopped signing in three months ago, so
/// its health is falling.
const FALLING: usize = 2;

/// Spreads the demo partners' joining dates over two years (two join this month) and gives
/// them deals in every state, most of the wins with the busier, higher-tier partners.
pub async fn demo_history(db: &Db) -> Result<usize, SeedError> {
    let now = Utc::now();
    let already: i64 = on_db!(db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM deals WHERE form_token LIKE 'demo-%'")
        .fetch_one(pool).await)?;
    if already > 0 {
        return Ok(0);
    }
    let partners: Vec<(i64, i64, String, Option<i64>)> = on_db!(db, pool => sqlx::query_as(
        "SELECT o.id, COALESCE(t.rank, 1), COALESCE(o.region, ''), o.channel_manager_id FROM organisations o \
         LEFT JOIN tiers t ON t.id = o.tier_id \
         WHERE o.kind = 'partner' ORDER BY o.id")
        .fetch_all(pool).await)?;
    let mut dice = Dice(0x7e55_e7a0_2026);
    let mut deals = 0;
    for (index, (organisation_id, tier_rank, region, manager)) in partners.into_iter().enumerate() {
        // Partners in Europe sell in euros, so the figures show conversion to the reporting currency.
        let currency = if region == "EMEA" { "EUR" } else { "USD" };
        let joined = if index % 12 == 11 {
            now - Duration::days(3 + index as i64 % 9)
        } else if index == 0 || index == FALLING {
            // The partner the README signs in as: with the program long enough for every story.
            now - Duration::days(420)
        } else {
            now - Duration::days(60 + dice.below(640) as i64)
        };
        // Someone at most partners signed in lately; at a few, nobody for months.
        let last_seen = (now - Duration::days(dice.below(150) as i64)).max(joined);
        let people: Vec<i64> = on_db!(db, pool => {
            sqlx::query("UPDATE organisations SET created_at = $1 WHERE id = $2")
                .bind(joined).bind(organisation_id).execute(pool).await?;
            sqlx::query("UPDATE users SET last_signed_in_at = $1 WHERE organisation_id = $2 AND last_signed_in_at IS NULL")
                .bind(last_seen).bind(organisation_id).execute(pool).await?;
            sqlx::query_scalar("SELECT id FROM users WHERE organisation_id = $1 ORDER BY id")
                .bind(organisation_id).fetch_all(pool).await?
        });
        if people.is_empty() {
            continue;
        }
        // Sign-ins over the last 90 days, as the health score's engagement counts them: most
        // partners now and then, one in five not at all, the README's partner often.
        let visits = match index {
            0 => 20,
            FALLING => 40,
            _ if dice.below(5) == 0 => 0,
            _ => dice.below(24),
        };
        // One partner's people came often three to four months ago and not since: its health falls.
        let (first_day_ago, days) = match index {
            FALLING => (90, 30),
            _ => (0, (now - joined).num_days().clamp(1, 90)),
        };
        let mut tx = db.begin().await?;
        for _ in 0..visits {
            let days_ago = first_day_ago + dice.below(days as u64) as i64;
            let at = now - Duration::days(days_ago) - Duration::minutes(dice.below(600) as i64);
            let who = people[dice.below(people.len() as u64) as usize];
            app::audit::record(&mut tx, who, app::audit::AuditAction::SignedIn, "demo history", at).await?;
        }
        tx.commit().await?;
        let count = if index % 12 == 11 { 0 } else { 3 + tier_rank as u64 * 3 + dice.below(6) };
        for number in 0..count {
            let age_days = dice.below((now - joined).num_days().clamp(1, 540) as u64) as i64;
            let created = now - Duration::days(age_days) - Duration::minutes(dice.below(600) as i64);
            let by = people[number as usize % people.len()];
            let token = format!("demo-{organisation_id}-{number}");
            let deal = DemoDeal { organisation_id, created_by: by, manager, currency, created, token, status: None };
            insert_deal(db, &mut dice, &deal, now).await?;
            deals += 1;
        }
        if index == 0 {
            // Something in every part of the README partner's home: a draft to finish, decisions
            // of the last few days, a protection ending soon, a recent win; and deals waiting in
            // its channel manager's queue.
            let moments = [
                ("draft", 1),
                ("submitted", 0),
                ("submitted", 1),
                ("approved", 2),
                ("rejected", 3),
                ("won", 15),
                ("approved", 84),
            ];
            for (number, (status, days)) in moments.into_iter().enumerate() {
                let created = now - Duration::days(days) - Duration::hours(2);
                let token = format!("demo-{organisation_id}-showcase-{number}");
                let by = people[number % people.len()];
                let deal = DemoDeal {
                    organisation_id,
                    created_by: by,
                    manager,
                    currency,
                    created,
                    token,
                    status: Some(status),
                };
                insert_deal(db, &mut dice, &deal, now).await?;
                deals += 1;
            }
        }
    }
    Ok(deals)
}

/// Who registers a demo deal, in what currency, and when.
struct DemoDeal {
    organisation_id: i64,
    created_by: i64,
    /// The partner's channel manager, who decides its deals (an admin when it has none).
    manager: Option<i64>,
    currency: &'static str,
    created: DateTime<Utc>,
    token: String,
    /// A state chosen for the demo's story, instead of one drawn by its age.
    status: Option<&'static str>,
}

async fn insert_deal(db: &Db, dice: &mut Dice, deal: &DemoDeal, now: DateTime<Utc>) -> Result<(), SeedError> {
    let DemoDeal { organisation_id, created_by, manager, currency, created, ref token, status: chosen } = *deal;
    let (company, domain) = CUSTOMERS[dice.below(CUSTOMERS.len() as u64) as usize];
    let key = normalise_company_name(company);
    let age = (now - created).num_days();
    let amount = (5_000 + dice.below(20) * 2_500 + dice.below(4) * dice.below(4) * 20_000) as i64 * 100;
    let roll = dice.below(100);
    // Young deals are still in flight; older ones are mostly decided and closed.
    let status = chosen.unwrap_or(match age {
        0..=3 if roll < 60 => "submitted",
        0..=3 => "draft",
        4..=60 if roll < 15 => "rejected",
        4..=60 if roll < 75 => "approved",
        4..=60 if roll < 90 => "won",
        4..=60 => "lost",
        // A few approvals old enough that their protection ends within weeks.
        61..=84 if roll < 35 => "approved",
        _ if roll < 12 => "rejected",
        _ if roll < 55 => "won",
        _ if roll < 80 => "lost",
        _ => "expired",
    });
    let submitted = (status != "draft").then(|| created + Duration::minutes(5));
    let decided = submitted.filter(|_| status != "submitted").map(|at| at + Duration::hours(2 + dice.below(40) as i64));
    let closed = match status {
        "won" | "lost" => decided.map(|at| {
            let close = at + Duration::days(5 + dice.below(50) as i64);
            close.min(now - Duration::days(1)).max(at).date_naive()
        }),
        _ => None,
    };
    let protected_until = decided.filter(|_| status != "rejected").map(|at| at + Duration::days(PROTECTION_DAYS));
    let final_amount = (status == "won").then(|| amount - amount / 10 * dice.below(3) as i64);
    let attribution = if dice.below(10) < 7 { "sourced" } else { "influenced" };
    // Half the approvals whose protection ends within a month asked for more time.
    let extension_requested = status == "approved"
        && protected_until.is_some_and(|until| until - now < Duration::days(30))
        && dice.below(2) == 0;
    let updated =
        closed.map(|day| day.and_hms_opt(17, 0, 0).map_or(now, |t| t.and_utc())).or(decided).unwrap_or(created);
    let mut tx = db.begin().await?;
    let id: i64 = on_tx!(tx, conn => sqlx::query_scalar(
            "INSERT INTO deals (organisation_id, created_by, form_token, status, customer_company, company_key, \
             name_prefix, customer_domain, contact_name, contact_email, amount_minor, currency, expected_close_date, \
             products, attribution, notes, created_at, updated_at, submitted_at, sla_due_at, decided_at, \
             rejection_reason, protected_until, final_amount_minor, closed_on, extension_status, extension_reason) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $25, $12, 'Acme Cloud Platform', $13, '', \
             $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24) RETURNING id")
            .bind(organisation_id).bind(created_by).bind(token).bind(status).bind(company).bind(&key)
            .bind(name_prefix(&key)).bind(domain).bind("Alex Buyer").bind(format!("buyer@{domain}"))
            .bind(amount).bind((created + Duration::days(60)).date_naive()).bind(attribution)
            .bind(created).bind(updated).bind(submitted).bind(submitted.map(sla_due)).bind(decided)
            .bind((status == "rejected").then_some("Already in the vendor's pipeline."))
            .bind(protected_until).bind(final_amount).bind(closed)
            .bind(extension_requested.then_some("requested"))
            .bind(extension_requested.then_some("The customer's board meets after protection ends."))
            .bind(currency)
            .fetch_one(conn).await)?;
    let to = DealStatus::parse(status).unwrap_or(DealStatus::Draft);
    if let Some(at) = submitted {
        let line = TimelineLine {
            deal_id: id,
            actor_id: Some(created_by),
            at,
            kind: TimelineKind::Submitted,
            from: Some(DealStatus::Draft),
            to: DealStatus::Submitted,
            note: "",
        };
        record_timeline(&mut tx, &line).await?;
    }
    // The manager's decision, then what became of an approved deal: won or lost as the partner
    // recorded it, or expired by the protection clock.
    if let Some(at) = decided {
        let rejected = to == DealStatus::Rejected;
        let (kind, decision) = if rejected {
            (TimelineKind::Rejected, DealStatus::Rejected)
        } else {
            (TimelineKind::Approved, DealStatus::Approved)
        };
        let line = TimelineLine {
            deal_id: id,
            actor_id: manager,
            at,
            kind,
            from: Some(DealStatus::Submitted),
            to: decision,
            note: if rejected { "Already in the vendor's pipeline." } else { "" },
        };
        record_timeline(&mut tx, &line).await?;
        let outcome = match to {
            DealStatus::Won | DealStatus::Lost => Some((updated, Some(created_by))),
            DealStatus::Expired => protected_until.map(|until| (until.min(now), None)),
            _ => None,
        };
        if let (Some((at, actor_id)), Some(kind)) = (outcome, TimelineKind::parse(status)) {
            let line = TimelineLine { deal_id: id, actor_id, at, kind, from: Some(DealStatus::Approved), to, note: "" };
            record_timeline(&mut tx, &line).await?;
        }
    }
    if extension_requested {
        let line = TimelineLine {
            deal_id: id,
            actor_id: Some(created_by),
            at: now - Duration::days(1),
            kind: TimelineKind::ExtensionRequested,
            from: Some(to),
            to,
            note: "The customer's board meets after protection ends.",
        };
        record_timeline(&mut tx, &line).await?;
    }
    tx.commit().await?;
    Ok(())
}
