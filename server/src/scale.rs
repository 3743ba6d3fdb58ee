//! `tessera seed --scale --partners N --deals M`: a large program for benchmarks and capacity
//! tests. Partners with one admin each, and deals spread over three years with realistic shapes:
//! most deals small and a few large, more old deals closed than open, busy and quiet partners,
//! and customers registered by several partners under slightly different names and domains.
//!
//! Rows go in as multi-row inserts in large transactions; ids are assigned here so each deal's
//! timeline can be written in the same pass.

use std::io::Write;
use std::time::Instant;

use app::db::Db;
use app::deals::matching::{name_prefix, normalise_company_name};
use app::deals::schedule;
use app::incentives::ledger::{self, WonDeal};
use app::on_db;
use chrono::{DateTime, Duration, Utc};
use sqlx::AssertSqlSafe;
use sqlx::sqlite::{SqlitePoolOptions, SqliteSynchronous};

use crate::seed::SeedError;

/// splitmix64: small, fast and the same on every machine, so a scale database can be rebuilt exactly.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const LEADS: [&str; 24] = [
    "Blue", "Silver", "North", "Bright", "Red", "Green", "Iron", "Cedar", "Golden", "Swift", "Prime", "Stone", "Clear",
    "Rapid", "Oak", "Summit", "Coral", "Polar", "Vivid", "Amber", "Lunar", "Solar", "Quantum", "Metro",
];
const ROOTS: [&str; 30] = [
    "Harbor", "River", "Peak", "Field", "Bridge", "Forge", "Wave", "Point", "Gate", "Crest", "Valley", "Stream",
    "Ridge", "Rock", "Lake", "Grove", "Tower", "Path", "Spring", "Star", "Wind", "Light", "Port", "Mill", "Works",
    "Line", "Bay", "Wood", "Moor", "Dale",
];
const TRADES: [&str; 24] = [
    "Logistics",
    "Health",
    "Foods",
    "Energy",
    "Bank",
    "Insurance",
    "Retail",
    "Motors",
    "Media",
    "Pharma",
    "Labs",
    "Hotels",
    "Airlines",
    "Telecom",
    "Textiles",
    "Mining",
    "Realty",
    "Foundry",
    "Dairy",
    "Robotics",
    "Shipping",
    "Clinics",
    "Brewing",
    "Software",
];
const TLDS: [&str; 8] = ["com", "com", "com", "io", "co.uk", "de", "fr", "com.au"];
const LEGAL: [&str; 6] = ["Inc.", "Ltd", "GmbH", "LLC", "S.A.", "Corp."];
const PRODUCTS: [&str; 6] = ["Cloud Suite", "Backup Pro", "Edge Gateway", "Analytics", "Identity", "Support Plus"];
const CURRENCIES: [(&str, f64); 5] = [("USD", 0.6), ("EUR", 0.2), ("GBP", 0.1), ("AUD", 0.05), ("CAD", 0.05)];
const TYPES: [&str; 6] = ["Reseller", "Distributor", "ISV", "MSP", "Referral", "System integrator"];
const TIERS: [(&str, f64); 4] = [("Registered", 0.5), ("Silver", 0.3), ("Gold", 0.15), ("Platinum", 0.05)];
const REGIONS: [&str; 4] = ["North America", "EMEA", "APAC", "LATAM"];

/// The distinct customers deals are drawn from.
const CUSTOMERS: usize = LEADS.len() * ROOTS.len() * TRADES.len();

fn customer(index: usize) -> (String, String) {
    let lead = LEADS[index % LEADS.len()];
    let root = ROOTS[(index / LEADS.len()) % ROOTS.len()];
    let trade = TRADES[(index / (LEADS.len() * ROOTS.len())) % TRADES.len()];
    let tld = TLDS[index % TLDS.len()];
    (format!("{lead} {root} {trade}"), format!("{}{}{}.{tld}", lead, root, trade).to_lowercase())
}

fn pick<'a>(rng: &mut Rng, weighted: &[(&'a str, f64)]) -> &'a str {
    let mut roll = rng.unit();
    for (value, weight) in weighted {
        if roll < *weight {
            return value;
        }
        roll -= weight;
    }
    weighted[weighted.len() - 1].0
}

/// A progress line on standard error, redrawn in place.
struct Progress {
    label: &'static str,
    total: usize,
    started: Instant,
}

impl Progress {
    fn new(label: &'static str, total: usize) -> Progress {
        Progress { label, total, started: Instant::now() }
    }
    fn show(&self, done: usize) {
        let fraction = if self.total == 0 { 1.0 } else { done as f64 / self.total as f64 };
        let filled = (fraction * 30.0) as usize;
        let mut err = std::io::stderr().lock();
        let _ = write!(
            err,
            "\r{:<9} [{}{}] {:>3.0}% {done}/{} {:.1}s",
            self.label,
            "#".repeat(filled),
            " ".repeat(30 - filled),
            fraction * 100.0,
            self.total,
            self.started.elapsed().as_secs_f64()
        );
        if done >= self.total {
            let _ = writeln!(err);
        }
        let _ = err.flush();
    }
}

enum Value {
    Int(i64),
    OptInt(Option<i64>),
    Text(String),
    OptText(Option<String>),
    Time(DateTime<Utc>),
    OptTime(Option<DateTime<Utc>>),
    Date(chrono::NaiveDate),
    OptDate(Option<chrono::NaiveDate>),
    Bool(bool),
}

/// Inserts `rows` (each `columns.len()` values) with one multi-row statement per `per_statement` rows.
async fn insert_rows(
    db: &Db,
    table: &str,
    columns: &[&str],
    rows: Vec<Vec<Value>>,
    per_statement: usize,
) -> Result<(), sqlx::Error> {
    let width = columns.len();
    let statement = |count: usize| {
        let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
        for row in 0..count {
            sql.push_str(if row == 0 { "(" } else { ", (" });
            for column in 0..width {
                if column > 0 {
                    sql.push_str(", ");
                }
                sql.push_str(&format!("${}", row * width + column + 1));
            }
            sql.push(')');
        }
        sql
    };
    let full = statement(per_statement);
    on_db!(db, pool => {
        let mut tx = pool.begin().await?;
        for chunk in rows.chunks(per_statement) {
            let sql = if chunk.len() == per_statement { full.clone() } else { statement(chunk.len()) };
            let mut query = sqlx::query(AssertSqlSafe(sql));
            for row in chunk {
                for value in row {
                    query = match value {
                        Value::Int(v) => query.bind(*v),
                        Value::OptInt(v) => query.bind(*v),
                        Value::Text(v) => query.bind(v.clone()),
                        Value::OptText(v) => query.bind(v.clone()),
                        Value::Time(v) => query.bind(*v),
                        Value::OptTime(v) => query.bind(*v),
                        Value::Date(v) => query.bind(*v),
                        Value::OptDate(v) => query.bind(*v),
                        Value::Bool(v) => query.bind(*v),
                    };
                }
            }
            query.execute(&mut *tx).await?;
        }
        tx.commit().await
    })
}

async fn scalar(db: &Db, sql: &'static str) -> Result<i64, sqlx::Error> {
    on_db!(db, pool => sqlx::query_scalar(sql).fetch_one(pool).await)
}

/// What the scale seed made.
#[derive(Debug)]
pub struct ScaleReport {
    pub partners: usize,
    pub deals: usize,
    pub events: usize,
    /// Ledger entries: the won deals' margins and registration discounts.
    pub entries: usize,
    pub seconds: f64,
}

/// Adds `partners` partner organisations (one partner admin each) and `deals` deals with their timelines.
pub async fn scale(db: &Db, partners: usize, deals: usize) -> Result<ScaleReport, SeedError> {
    let started = Instant::now();
    // On SQLite, one connection with a large page cache and no syncing until the end: a bulk load
    // that fails part-way is simply run again on a fresh file.
    let bulk = match db {
        Db::Sqlite(pool) => {
            let options = (*pool.connect_options())
                .clone()
                .pragma("cache_size", "-1048576")
                .pragma("temp_store", "memory")
                .synchronous(SqliteSynchronous::Off);
            Db::Sqlite(SqlitePoolOptions::new().max_connections(1).connect_with(options).await?)
        }
        Db::Postgres(_) => db.clone(),
    };
    let db = &bulk;
    let mut rng = Rng(0x7E55_E7A0 ^ partners as u64 ^ ((deals as u64) << 20));
    let now = Utc::now();
    let hash: String = on_db!(db, pool => sqlx::query_scalar(
        "SELECT password_hash FROM users WHERE email = 'admin@acme.test'").fetch_one(pool).await)?;
    let cams: Vec<i64> = on_db!(db, pool => sqlx::query_scalar(
        "SELECT id FROM users WHERE role = 'channel_manager' ORDER BY id").fetch_all(pool).await)?;
    let type_ids: Vec<i64> =
        on_db!(db, pool => sqlx::query_scalar("SELECT id FROM partner_types ORDER BY id").fetch_all(pool).await)?;
    let tier_ids: Vec<(String, i64)> =
        on_db!(db, pool => sqlx::query_as("SELECT name, id FROM tiers").fetch_all(pool).await)?;
    let tier_id = |name: &str| tier_ids.iter().find(|(n, _)| n == name).map(|(_, id)| *id);

    // Partners and their admins.
    let first_org = scalar(db, "SELECT COALESCE(MAX(id), 0) + 1 FROM organisations").await?;
    let first_user = scalar(db, "SELECT COALESCE(MAX(id), 0) + 1 FROM users").await?;
    let progress = Progress::new("partners", partners);
    let mut org_rows = Vec::with_capacity(partners);
    let mut partner_tiers = Vec::with_capacity(partners);
    let mut user_rows = Vec::with_capacity(partners);
    for index in 0..partners {
        let org = first_org + index as i64;
        let (name, _) = customer(index * 7 % CUSTOMERS);
        let name = format!("{name} Partners {}", index + 1);
        org_rows.push(vec![
            Value::Int(org),
            Value::Text(name.clone()),
            Value::Text("partner".into()),
            Value::OptInt(type_ids.get(index % TYPES.len().min(type_ids.len().max(1))).copied()),
            Value::OptInt({
                let tier = tier_id(pick(&mut rng, &TIERS));
                partner_tiers.push(tier);
                tier
            }),
            Value::Text(REGIONS[index % REGIONS.len()].into()),
            Value::OptInt(cams.get(index % cams.len().max(1)).copied()),
            Value::Time(now - Duration::days(365 * 3 + rng.below(30) as i64)),
            Value::Time(now - Duration::days(365 * 3)),
        ]);
        user_rows.push(vec![
            Value::Int(first_user + index as i64),
            Value::Int(org),
            Value::Text(format!("admin{}@partner{}.scale.test", index + 1, index + 1)),
            Value::Text(format!("Partner Admin {}", index + 1)),
            Value::Text("partner_admin".into()),
            Value::Text(hash.clone()),
            Value::Time(now - Duration::days(365 * 3)),
        ]);
    }
    let org_columns = [
        "id",
        "name",
        "kind",
        "partner_type_id",
        "tier_id",
        "region",
        "channel_manager_id",
        "created_at",
        "onboarded_at",
    ];
    insert_rows(db, "organisations", &org_columns, org_rows, 1000).await?;
    let user_columns = ["id", "organisation_id", "email", "name", "role", "password_hash", "created_at"];
    insert_rows(db, "users", &user_columns, user_rows, 1000).await?;
    // Each has accepted the partner agreement in force, so its admin may use the portal at once.
    if let Some(version) = app::agreement::store::current(db).await?.map(|version| version.id) {
        let rows = (0..partners)
            .map(|index| {
                vec![
                    Value::Int(first_org + index as i64),
                    Value::Int(version),
                    Value::Int(first_user + index as i64),
                    Value::Text(format!("Partner Admin {}", index + 1)),
                    Value::Time(now - Duration::days(30)),
                    Value::Text("seeded".into()),
                ]
            })
            .collect();
        let columns = ["organisation_id", "version_id", "user_id", "typed_name", "accepted_at", "client_address"];
        insert_rows(db, "agreement_acceptances", &columns, rows, 1000).await?;
    }
    progress.show(partners);

    // Deals, with busy and quiet partners (a skewed pick), in batches.
    let first_deal = scalar(db, "SELECT COALESCE(MAX(id), 0) + 1 FROM deals").await?;
    let first_event = scalar(db, "SELECT COALESCE(MAX(id), 0) + 1 FROM deal_events").await?;
    let deal_columns = [
        "id",
        "organisation_id",
        "created_by",
        "form_token",
        "status",
        "customer_company",
        "name_prefix",
        "company_key",
        "customer_domain",
        "contact_name",
        "contact_email",
        "amount_minor",
        "currency",
        "expected_close_date",
        "products",
        "attribution",
        "notes",
        "possible_conflict",
        "created_at",
        "updated_at",
        "submitted_at",
        "sla_due_at",
        "decided_at",
        "rejection_reason",
        "protected_until",
        "final_amount_minor",
        "closed_on",
    ];
    let event_columns = ["id", "deal_id", "actor_id", "at", "kind", "from_status", "to_status", "note"];
    // Each won deal's margin and registration discount on the ledger, at its partner's tier.
    let (_, program) = app::tiers::store::current(db).await?;
    let benefits =
        |tier: Option<i64>| program.tiers.iter().find(|t| Some(t.id) == tier).map(|t| (t.name.as_str(), &t.benefits));
    let entry_columns = [
        "organisation_id",
        "kind",
        "deal_id",
        "amount_minor",
        "currency",
        "basis_minor",
        "rate_bp",
        "period_start",
        "description",
        "booked_at",
    ];
    let mut entries = 0;
    const BATCH: usize = 20_000;
    let progress = Progress::new("deals", deals);
    let mut next_event = first_event;
    let mut events = 0;
    let three_years = 365 * 3 * 24 * 60;
    let mut done = 0;
    while done < deals {
        let count = BATCH.min(deals - done);
        let mut deal_rows = Vec::with_capacity(count);
        let mut event_rows = Vec::with_capacity(count * 2);
        let mut entry_rows = Vec::new();
        for offset in 0..count {
            let id = first_deal + (done + offset) as i64;
            let partner = (rng.unit().powf(2.0) * partners as f64) as usize % partners.max(1);
            let org = first_org + partner as i64;
            let creator = first_user + partner as i64;
            let manager = cams.get(partner % cams.len().max(1)).copied();
            // Deals in the last 90 days are still in flight; older ones are mostly decided and closed.
            let age_minutes = rng.below(three_years) as i64;
            let created = now - Duration::minutes(age_minutes);
            let recent = age_minutes < 90 * 24 * 60;
            let roll = rng.unit();
            let status = if recent {
                match roll {
                    r if r < 0.08 => "draft",
                    r if r < 0.35 => "submitted",
                    r if r < 0.85 => "approved",
                    r if r < 0.95 => "rejected",
                    _ => "won",
                }
            } else {
                match roll {
                    r if r < 0.01 => "draft",
                    r if r < 0.12 => "rejected",
                    r if r < 0.50 => "won",
                    r if r < 0.80 => "lost",
                    _ => "expired",
                }
            };
            // Customers: a popular few and a long tail; some registered again under another spelling.
            let customer_index = (rng.unit().powf(1.6) * CUSTOMERS as f64) as usize % CUSTOMERS;
            let (mut company, mut domain) = customer(customer_index);
            match rng.below(100) {
                0..=2 => company = format!("{company} {}", LEGAL[rng.below(LEGAL.len())]),
                3..=4 => company = company.to_uppercase(),
                5 => domain = domain.replacen('.', "-group.", 1),
                _ => {}
            }
            let key = normalise_company_name(&company);
            let currency = pick(&mut rng, &CURRENCIES);
            // Most deals are five figures; a few reach seven.
            let amount = (10f64.powf(3.5 + 3.0 * rng.unit().powf(1.8)) as i64).max(500) * 100;
            // Nothing has happened after now: a deal updated "in the future" would be read again by
            // every catch-up of the KPI cache until that time came.
            let submitted =
                (status != "draft").then(|| (created + Duration::minutes(rng.below(48 * 60) as i64)).min(now));
            let decided = submitted
                .filter(|_| status != "submitted")
                .map(|at| (at + Duration::minutes(rng.below(4 * 24 * 60) as i64 + 30)).min(now));
            let protected_until = decided
                .filter(|_| matches!(status, "approved" | "won" | "lost" | "expired"))
                .map(|at| at + Duration::days(schedule::PROTECTION_DAYS));
            let closed = match status {
                "won" | "lost" => decided.map(|at| at + Duration::days(rng.below(80) as i64 + 1)).map(|at| at.min(now)),
                "expired" => protected_until.map(|at| at.min(now)),
                _ => None,
            };
            let updated = closed.or(decided).or(submitted).unwrap_or(created).min(now);
            let final_amount = matches!(status, "won" | "lost").then(|| amount / 100 * (80 + rng.below(40) as i64));
            if let (Some(at), Some(final_amount_minor), "won") = (closed, final_amount, status) {
                let won = WonDeal {
                    deal_id: id,
                    organisation_id: org,
                    customer_company: &company,
                    final_amount_minor,
                    currency,
                };
                for entry in ledger::deal_won(&won, benefits(partner_tiers[partner]), at) {
                    entry_rows.push(vec![
                        Value::Int(entry.organisation_id),
                        Value::Text(entry.kind.as_str().into()),
                        Value::OptInt(entry.deal_id),
                        Value::Int(entry.amount_minor),
                        Value::Text(entry.currency),
                        Value::OptInt(entry.basis_minor),
                        Value::OptInt(entry.rate_bp),
                        Value::Date(entry.period_start),
                        Value::Text(entry.description),
                        Value::Time(entry.booked_at),
                    ]);
                }
            }
            deal_rows.push(vec![
                Value::Int(id),
                Value::Int(org),
                Value::Int(creator),
                Value::Text(format!("scale-{id}")),
                Value::Text(status.into()),
                Value::Text(company.clone()),
                Value::Text(name_prefix(&key)),
                Value::Text(key),
                Value::Text(domain.clone()),
                Value::Text(format!("Contact {}", customer_index % 997)),
                Value::Text(format!("buyer{}@{domain}", customer_index % 97)),
                Value::Int(amount),
                Value::Text(currency.into()),
                Value::Date((created + Duration::days(30 + rng.below(150) as i64)).date_naive()),
                Value::Text(PRODUCTS[rng.below(PRODUCTS.len())].into()),
                Value::Text(if rng.below(3) == 0 { "influenced" } else { "sourced" }.into()),
                Value::Text(String::new()),
                Value::Bool(customer_index < CUSTOMERS / 50),
                Value::Time(created),
                Value::Time(updated),
                Value::OptTime(submitted),
                Value::OptTime(submitted.map(schedule::sla_due)),
                Value::OptTime(decided),
                Value::OptText((status == "rejected").then(|| "Already in the vendor's pipeline".to_owned())),
                Value::OptTime(protected_until),
                Value::OptInt(final_amount),
                Value::OptDate(closed.map(|at| at.date_naive())),
            ]);
            let mut event = |at: DateTime<Utc>, actor: Option<i64>, kind: &str, from: Option<&str>, to: &str| {
                event_rows.push(vec![
                    Value::Int(next_event),
                    Value::Int(id),
                    Value::OptInt(actor),
                    Value::Time(at),
                    Value::Text(kind.into()),
                    Value::OptText(from.map(str::to_owned)),
                    Value::Text(to.into()),
                    Value::Text(String::new()),
                ]);
                next_event += 1;
            };
            match submitted {
                Some(at) => event(at, Some(creator), "submitted", None, "submitted"),
                None => event(created, Some(creator), "created", None, "draft"),
            }
            if let Some(at) = decided {
                let decision = if status == "rejected" { "rejected" } else { "approved" };
                event(at, manager, decision, Some("submitted"), decision);
            }
            if let Some(at) = closed {
                let actor = if status == "expired" { None } else { Some(creator) };
                event(at, actor, status, Some("approved"), status);
            }
        }
        events += event_rows.len();
        insert_rows(db, "deals", &deal_columns, deal_rows, 10).await?;
        insert_rows(db, "deal_events", &event_columns, event_rows, 30).await?;
        entries += entry_rows.len();
        insert_rows(db, "incentive_entries", &entry_columns, entry_rows, 100).await?;
        done += count;
        progress.show(done);
    }
    if let Db::Postgres(pool) = db {
        for table in ["organisations", "users", "deals", "deal_events", "incentive_entries"] {
            sqlx::query(AssertSqlSafe(format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
            )))
            .execute(pool)
            .await?;
        }
        sqlx::query("ANALYZE").execute(pool).await?;
    }
    if let Db::Sqlite(pool) = db {
        sqlx::query("ANALYZE").execute(pool).await?;
        pool.close().await;
    }
    Ok(ScaleReport { partners, deals, events, entries, seconds: started.elapsed().as_secs_f64() })
}
