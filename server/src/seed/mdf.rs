//! The demo's market development funds: this quarter's budget, allocations for three partners,
//! and requests in each state a newcomer meets first — Bluepeak's roadshow pre-approved (linked
//! to its campaign), its search ads waiting and its case-study video claimed with proof, waiting
//! for its channel manager; Copperline's lunch-and-learn waiting and its trade-show booth rejected
//! with a reason; Granite's customer webinar claimed and approved (a payable entry on its statement).

use app::db::Db;
use app::files::FileStore;
use app::incentives::ledger::{next_quarter, quarter_of};
use app::incentives::mdf::rules::{ActivityKind, ClaimState, RequestState};
use app::incentives::mdf::store::{self, claims};
use app::incentives::mdf::{NewAllocation, NewClaim, NewRequest};
use app::on_db;
use chrono::{Duration, Utc};

use super::SeedError;

/// (partner, allocated in US dollars).
const ALLOCATIONS: [(&str, i64); 3] =
    [("Bluepeak Systems", 20_000), ("Copperline IT", 10_000), ("Granite Integration", 8_000)];

/// A demo request for funds.
struct DemoRequest {
    partner: &'static str,
    kind: ActivityKind,
    title: &'static str,
    /// Its first day, in days from today, and how many days it runs.
    days: (i64, i64),
    dollars: i64,
    outcome: &'static str,
    /// Linked to the demo's campaign.
    linked: bool,
    state: RequestState,
    /// The channel manager's reason, for a rejection.
    reason: &'static str,
    /// Executed and claimed: what was spent, what it brought, and where the claim stands.
    claim: Option<(i64, &'static str, ClaimState)>,
}

const REQUESTS: [DemoRequest; 6] = [
    DemoRequest {
        partner: "Bluepeak Systems",
        kind: ActivityKind::Event,
        title: "Backup roadshow in Leeds",
        days: (14, 2),
        dollars: 6_000,
        outcome: "Two half-day sessions for 60 IT managers: 40 leads and 6 opportunities.",
        linked: true,
        state: RequestState::PreApproved,
        reason: "",
        claim: None,
    },
    DemoRequest {
        partner: "Bluepeak Systems",
        kind: ActivityKind::Digital,
        title: "Search ads for Acme Vault",
        days: (7, 30),
        dollars: 4_500,
        outcome: "A month of search ads on backup terms: 25 leads.",
        linked: false,
        state: RequestState::Requested,
        reason: "",
        claim: None,
    },
    DemoRequest {
        partner: "Copperline IT",
        kind: ActivityKind::Training,
        title: "MSP lunch and learn",
        days: (10, 1),
        dollars: 3_000,
        outcome: "Twelve MSP owners trained on the platform: 4 opportunities.",
        linked: false,
        state: RequestState::Requested,
        reason: "",
        claim: None,
    },
    DemoRequest {
        partner: "Copperline IT",
        kind: ActivityKind::Event,
        title: "Trade show booth",
        days: (20, 3),
        dollars: 5_000,
        outcome: "A booth at the regional IT fair: 80 badge scans.",
        linked: false,
        state: RequestState::Rejected,
        reason: "The fair's audience is consumers; let us fund the lunch and learn instead.",
        claim: None,
    },
    DemoRequest {
        partner: "Granite Integration",
        kind: ActivityKind::Digital,
        title: "Customer webinar on ransomware recovery",
        days: (-4, 1),
        dollars: 2_500,
        outcome: "A webinar for 150 registrants: 30 leads.",
        linked: false,
        state: RequestState::Executed,
        reason: "",
        claim: Some((2_350, "182 registrants, 97 attended; 34 leads, 5 meetings booked.", ClaimState::Approved)),
    },
    DemoRequest {
        partner: "Bluepeak Systems",
        kind: ActivityKind::Content,
        title: "Case-study video with Harbor Freight Lines",
        days: (-3, 2),
        dollars: 3_000,
        outcome: "A two-minute customer video for the website and the roadshow.",
        linked: false,
        state: RequestState::Executed,
        reason: "",
        claim: Some((
            3_000,
            "The video is live on our site and has 1,200 views; 3 inbound leads.",
            ClaimState::Claimed,
        )),
    },
];

pub async fn demo(db: &Db, files: &FileStore, admin: i64) -> Result<(), SeedError> {
    if !store::budgets(db).await?.is_empty() {
        return Ok(());
    }
    let now = Utc::now();
    let quarter = quarter_of(now.date_naive());
    let last_day = next_quarter(quarter) - Duration::days(1);
    let set = now - Duration::days(20);
    store::set_budget(db, (quarter, 100_000_00, "USD"), admin, set)
        .await?
        .map_err(|_| SeedError::Invalid("the MDF budget"))?;
    let organisation = |name: &'static str| async move {
        on_db!(db, pool => sqlx::query_scalar::<_, i64>("SELECT id FROM organisations WHERE name = $1").bind(name).fetch_one(pool).await)
    };
    let mut allocations = Vec::new();
    for (partner, dollars) in ALLOCATIONS {
        let partner_id = organisation(partner).await?;
        let allocation =
            NewAllocation { partner_id, period_start: quarter, amount_minor: dollars * 100, expires_on: last_day };
        store::allocate(db, &allocation, "USD", admin, set + Duration::hours(1))
            .await?
            .map_err(|_| SeedError::Invalid("a demo MDF allocation"))?;
        allocations.push((partner, partner_id));
    }
    let campaign: Option<i64> = on_db!(db, pool => sqlx::query_scalar("SELECT MIN(id) FROM campaigns WHERE state = 'published'")
        .fetch_one(pool).await)?;
    let rows = store::allocations(db, app::auth::reach::Reach::Program).await?;
    for demo in REQUESTS {
        let Some((_, partner_id)) = allocations.iter().find(|(name, _)| *name == demo.partner) else {
            continue;
        };
        let Some(allocation) = rows.iter().find(|row| row.partner_id == *partner_id) else {
            continue;
        };
        let (requester, manager): (i64, Option<i64>) = on_db!(db, pool => sqlx::query_as(
            "SELECT u.id, o.channel_manager_id FROM users u JOIN organisations o ON o.id = u.organisation_id \
             WHERE o.id = $1 AND u.role = 'partner_admin' ORDER BY u.id LIMIT 1")
            .bind(partner_id).fetch_one(pool).await)?;
        let starts_on = now.date_naive() + Duration::days(demo.days.0);
        let new = NewRequest {
            draw: app::incentives::mdf::rules::Draw::Allocation(allocation.id),
            kind: demo.kind,
            title: demo.title.into(),
            starts_on,
            ends_on: starts_on + Duration::days(demo.days.1 - 1),
            amount_minor: demo.dollars * 100,
            expected_outcome: demo.outcome.into(),
            campaign_id: campaign.filter(|_| demo.linked),
        };
        let asked = now - Duration::days(6);
        let id = store::request(db, *partner_id, &new, ("USD", requester), None, asked)
            .await?
            .map_err(|_| SeedError::Invalid("a demo MDF request"))?;
        let by = (manager.unwrap_or(admin), true);
        match demo.state {
            RequestState::Requested => {}
            RequestState::Executed => {
                let approved = (RequestState::Requested, RequestState::PreApproved);
                store::move_request(db, id, approved, "", by, None, asked + Duration::days(1)).await?;
                let ran = (RequestState::PreApproved, RequestState::Executed);
                store::move_request(db, id, ran, "", (requester, false), None, now - Duration::days(2)).await?;
            }
            state => {
                store::move_request(
                    db,
                    id,
                    (RequestState::Requested, state),
                    demo.reason,
                    by,
                    None,
                    asked + Duration::days(2),
                )
                .await?;
            }
        }
        if let Some((dollars, results, state)) = demo.claim {
            claim(db, files, id, (dollars, results, state), (requester, by.0)).await?;
        }
    }
    Ok(())
}

/// Claims request `id` with a proof (a PDF of the results), and decides the claim unless it is
/// left waiting.
async fn claim(
    db: &Db,
    files: &FileStore,
    id: i64,
    (dollars, results, state): (i64, &str, ClaimState),
    (requester, manager): (i64, i64),
) -> Result<(), SeedError> {
    let request = store::record(db, id).await?.ok_or(SeedError::Invalid("a demo MDF request"))?;
    let document = super::content::pdf(&["Proof of performance", &request.title, results]);
    let hash = files.put(&document).await.map_err(|_| SeedError::Invalid("a demo proof file"))?;
    let proof = claims::NewProof {
        hash: &hash,
        name: "proof-of-performance.pdf",
        media_type: "application/pdf",
        size_bytes: document.len() as i64,
    };
    let new = NewClaim { amount_minor: dollars * 100, results: results.into() };
    let at = Utc::now() - Duration::days(1);
    claims::claim(db, &request, &new, proof, (requester, None), at)
        .await?
        .ok_or(SeedError::Invalid("a demo MDF claim"))?;
    if state != ClaimState::Claimed {
        let request = store::record(db, id).await?.ok_or(SeedError::Invalid("a demo MDF request"))?;
        claims::decide(db, &request, state, "", (manager, None), at + Duration::hours(3)).await?;
    }
    Ok(())
}
