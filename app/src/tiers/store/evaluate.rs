//! The engine's inputs and outputs in the database: every partner's figures at a moment, and
//! the one writer of what an evaluation decides.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::{
    CERTIFIED_ALL, CERTIFIED_ONE, CLOSE_PENDING, DECLINES, EVALUATED_AT, INSERT_HISTORY, INSERT_PROPOSAL,
    MARK_EVALUATED, PENDING_OF_ALL, REGISTERED_ALL, REGISTERED_AT_MOMENTS, REGISTERED_ONE, SET_GRACE, SET_TIER,
    STANDINGS_ALL, STANDINGS_ONE, WON_ALL, WON_AT_MOMENTS, WON_ONE, current,
};
use crate::db::{Db, Tx, start_of};
use crate::money::store::conversion;
use crate::tiers::HistoryKind;
use crate::tiers::engine::{self, Direction, Evaluation, Grace, Metrics, Standing};
use crate::tiers::program::Program;
use crate::tiers::simulate::MOMENTS;
use crate::webhooks;
use crate::{execute_in, on_db, on_tx};

/// How far ahead a certification's end is warned of, as it would cost a requirement.
pub const EXPIRY_WARNING_DAYS: i64 = 30;

/// Where a proposed change stands; stored as text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProposalState {
    Pending,
    Approved,
    Declined,
    /// The figures changed before anyone decided: a different change, or none, is due.
    Withdrawn,
}

impl ProposalState {
    pub fn as_str(self) -> &'static str {
        match self {
            ProposalState::Pending => "pending",
            ProposalState::Approved => "approved",
            ProposalState::Declined => "declined",
            ProposalState::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(text: &str) -> Option<ProposalState> {
        [ProposalState::Pending, ProposalState::Approved, ProposalState::Declined, ProposalState::Withdrawn]
            .into_iter()
            .find(|state| state.as_str() == text)
    }
}

crate::stored_as_text!(ProposalState);

/// The 365 days that end with `as_of`'s, as the KPIs count a partner's year: the day before the
/// first, and the last.
fn window(as_of: DateTime<Utc>) -> (NaiveDate, NaiveDate) {
    let last = as_of.date_naive();
    (last - Duration::days(365), last)
}

/// A partner's figures, and how many of its certified people will still be certified
/// [`EXPIRY_WARNING_DAYS`] later.
pub type Figures = (Metrics, i64);

/// Every partner's figures (or `only` one's) at `as_of`.
pub async fn metrics(db: &Db, only: Option<i64>, as_of: DateTime<Utc>) -> Result<HashMap<i64, Figures>, sqlx::Error> {
    let (before, last) = window(as_of);
    let (since, until) = (start_of(before + Duration::days(1)), start_of(last + Duration::days(1)));
    let later = as_of + Duration::days(EXPIRY_WARNING_DAYS);
    // `$3`, the one partner, only where the statement names it.
    let (won_sql, registered_sql, certified_sql) = match only {
        None => (WON_ALL, REGISTERED_ALL, CERTIFIED_ALL),
        Some(_) => (WON_ONE, REGISTERED_ONE, CERTIFIED_ONE),
    };
    let (won, registered, certified) = on_db!(db, pool => {
        let mut won = sqlx::query_as(won_sql).bind(before).bind(last);
        let mut registered = sqlx::query_as(registered_sql).bind(since).bind(until);
        let mut certified = sqlx::query_as(certified_sql).bind(later).bind(as_of);
        if let Some(one) = only {
            (won, registered, certified) = (won.bind(one), registered.bind(one), certified.bind(one));
        }
        // Three reads at once, each on its own connection.
        let (won, registered, certified): (Vec<(i64, String, i64, i64)>, Vec<(i64, i64)>, Vec<(i64, i64, i64)>) =
            tokio::try_join!(won.fetch_all(pool), registered.fetch_all(pool), certified.fetch_all(pool))?;
        (won, registered, certified)
    });
    Ok(assemble(won, registered, certified, &conversion(db).await?))
}

/// Every partner's figures at each of the simulator's moments: the deals read in one pass for
/// all of them (from the oldest moment's 365 days to today), the certifications (far fewer)
/// moment by moment meanwhile.
pub async fn metrics_at_moments(
    db: &Db,
    moments: &[DateTime<Utc>; MOMENTS],
) -> Result<Vec<HashMap<i64, Figures>>, sqlx::Error> {
    let windows = moments.map(window);
    let spans =
        windows.map(|(before, last)| (start_of(before + Duration::days(1)), start_of(last + Duration::days(1))));
    let outer_window = (windows.iter().map(|w| w.0).min(), windows.iter().map(|w| w.1).max());
    let outer_span = (spans.iter().map(|s| s.0).min(), spans.iter().map(|s| s.1).max());
    let (won, registered, certified) = on_db!(db, pool => {
        let (mut won, mut registered) = (sqlx::query_as(WON_AT_MOMENTS), sqlx::query_as(REGISTERED_AT_MOMENTS));
        for (window, span) in windows.iter().zip(&spans) {
            won = won.bind(window.0).bind(window.1);
            registered = registered.bind(span.0).bind(span.1);
        }
        let certified = async {
            let mut each = Vec::with_capacity(MOMENTS);
            for at in moments {
                let later = *at + Duration::days(EXPIRY_WARNING_DAYS);
                each.push(sqlx::query_as(CERTIFIED_ALL).bind(later).bind(*at).fetch_all(pool).await?);
            }
            Ok::<Vec<Vec<CertifiedRow>>, sqlx::Error>(each)
        };
        let (won, registered, certified): (Vec<WonAtMoments>, Vec<RegisteredAtMoments>, _) = tokio::try_join!(
            won.bind(outer_window.0).bind(outer_window.1).fetch_all(pool),
            registered.bind(outer_span.0).bind(outer_span.1).fetch_all(pool),
            certified,
        )?;
        (won, registered, certified)
    });
    let conversion = conversion(db).await?;
    let at = |moment: usize| {
        let won = won.iter().map(|row| {
            let (revenue, count) = moment_of_won(row, moment);
            (row.0, row.1.clone(), revenue.unwrap_or(0), count)
        });
        let registered = registered.iter().map(|row| (row.0, moment_of_registered(row, moment)));
        assemble(
            won.filter(|row| row.3 > 0),
            registered.filter(|row| row.1 > 0),
            certified[moment].iter().copied(),
            &conversion,
        )
    };
    Ok((0..MOMENTS).map(at).collect())
}

type CertifiedRow = (i64, i64, i64);
/// (organisation, currency, then revenue and won deals at each moment, then all its won deals).
type WonAtMoments =
    (i64, String, Option<i64>, i64, Option<i64>, i64, Option<i64>, i64, Option<i64>, i64, Option<i64>, i64, i64);
/// (organisation, then its registered deals at each moment, then all of them).
type RegisteredAtMoments = (i64, i64, i64, i64, i64, i64, i64);

fn moment_of_won(row: &WonAtMoments, moment: usize) -> (Option<i64>, i64) {
    match moment {
        0 => (row.2, row.3),
        1 => (row.4, row.5),
        2 => (row.6, row.7),
        3 => (row.8, row.9),
        _ => (row.10, row.11),
    }
}

fn moment_of_registered(row: &RegisteredAtMoments, moment: usize) -> i64 {
    [row.1, row.2, row.3, row.4, row.5][moment.min(MOMENTS - 1)]
}

/// Partners' figures from their won deals (revenue by currency and count), registered deals and
/// certified people (now, and still certified later), revenue converted with `conversion`.
fn assemble(
    won: impl IntoIterator<Item = (i64, String, i64, i64)>,
    registered: impl IntoIterator<Item = (i64, i64)>,
    certified: impl IntoIterator<Item = CertifiedRow>,
    conversion: &crate::money::Conversion,
) -> HashMap<i64, Figures> {
    let mut totals: HashMap<i64, Vec<(i64, String)>> = HashMap::new();
    let mut figures: HashMap<i64, Figures> = HashMap::new();
    for (organisation, currency, amount, count) in won {
        totals.entry(organisation).or_default().push((amount, currency));
        figures.entry(organisation).or_default().0.won_deals += count;
    }
    for (organisation, totals) in totals {
        figures.entry(organisation).or_default().0.revenue_minor = Metrics::revenue_of(&totals, conversion);
    }
    for (organisation, count) in registered {
        figures.entry(organisation).or_default().0.registered_deals = count;
    }
    for (organisation, now, later) in certified {
        let entry = figures.entry(organisation).or_default();
        entry.0.certified_people = now;
        entry.1 = later;
    }
    figures
}

type StandingRow = (i64, Option<i64>, Option<DateTime<Utc>>);
type DeclineRow = (i64, Option<i64>, DateTime<Utc>);

/// Each partner's evaluation from its standing and its figures.
fn evaluate_all(
    program: &Program,
    figures: &HashMap<i64, Figures>,
    standings: Vec<StandingRow>,
    declines: Vec<DeclineRow>,
    now: DateTime<Utc>,
) -> Vec<Evaluated> {
    let declined: HashMap<i64, (i64, DateTime<Utc>)> =
        declines.into_iter().filter_map(|(organisation, to, at)| Some((organisation, (to?, at)))).collect();
    standings
        .into_iter()
        .map(|(organisation_id, tier_id, grace_since)| {
            let (metrics, still_certified_later) = figures.get(&organisation_id).copied().unwrap_or_default();
            let standing = Standing { tier_id, grace_since, declined: declined.get(&organisation_id).copied() };
            let evaluation = engine::evaluate(program, &metrics, &standing, now);
            Evaluated { organisation_id, metrics, still_certified_later, evaluation }
        })
        .collect()
}

/// What one evaluation run did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub evaluated: usize,
    /// Tier changes applied.
    pub changed: usize,
    /// Changes sent to channel managers.
    pub proposed: usize,
    pub graces_started: usize,
}

/// One partner's evaluation with the figures behind it.
pub struct Evaluated {
    pub organisation_id: i64,
    pub metrics: Metrics,
    /// Its certified people still certified [`EXPIRY_WARNING_DAYS`] from now.
    pub still_certified_later: i64,
    pub evaluation: Evaluation,
}

/// One partner's evaluation at `now`, without writing anything (`None`: not a partner).
pub async fn evaluation_of(
    db: &Db,
    program: &Program,
    organisation_id: i64,
    now: DateTime<Utc>,
) -> Result<Option<Evaluated>, sqlx::Error> {
    let figures = metrics(db, Some(organisation_id), now).await?;
    let quiet = now - Duration::days(engine::DECLINE_QUIET_DAYS);
    let (standings, declines) = on_db!(db, pool => {
        let standings: Vec<StandingRow> = sqlx::query_as(STANDINGS_ONE).bind(organisation_id).fetch_all(pool).await?;
        let declines: Vec<DeclineRow> = sqlx::query_as(DECLINES).bind(quiet).fetch_all(pool).await?;
        (standings, declines)
    });
    Ok(evaluate_all(program, &figures, standings, declines, now).pop())
}

/// Evaluates every partner (`only` none) or one, and writes what the engine decides: a change
/// applied with its history line, a proposal for the channel manager (replacing a different
/// pending one), a grace period started or ended. The organisations it wrote anything about.
pub async fn evaluate(db: &Db, only: Option<i64>, now: DateTime<Utc>) -> Result<(Report, Vec<i64>), sqlx::Error> {
    let mut tx = db.begin().await?;
    tx.exclude_others("tiers").await?;
    // Everything is read once no other run or decision can pass: a run that started earlier can
    // not commit an older program's or older figures' decisions over a newer one's.
    let (version, program) = current(db).await?;
    let currency = conversion(db).await?.currency();
    let figures = metrics(db, only, now).await?;
    let standings: Vec<StandingRow> = on_tx!(tx, conn => match only {
        None => sqlx::query_as(STANDINGS_ALL).fetch_all(conn).await,
        Some(one) => sqlx::query_as(STANDINGS_ONE).bind(one).fetch_all(conn).await,
    })?;
    let quiet = now - Duration::days(engine::DECLINE_QUIET_DAYS);
    let declines: Vec<DeclineRow> = on_tx!(tx, conn => sqlx::query_as(DECLINES).bind(quiet).fetch_all(conn).await)?;
    let evaluated = evaluate_all(&program, &figures, standings, declines, now);
    let pending: Vec<(i64, i64, i64)> = on_tx!(tx, conn => sqlx::query_as(PENDING_OF_ALL).fetch_all(conn).await)?;
    let pending: HashMap<i64, i64> = pending.into_iter().map(|(organisation, _, to)| (organisation, to)).collect();
    let mut report = Report { evaluated: evaluated.len(), ..Report::default() };
    let mut touched = Vec::new();
    let by_the_program = Decision { by: None, reason: "" };
    for Evaluated { organisation_id, evaluation, .. } in &evaluated {
        let organisation_id = *organisation_id;
        let why = || evaluation.explain(&program, currency);
        match (&evaluation.proposal, pending.get(&organisation_id)) {
            (Some(proposal), _) if !proposal.needs_approval => {
                close_pending(&mut tx, organisation_id, ProposalState::Withdrawn, by_the_program, now).await?;
                let change =
                    Change { organisation_id, from: proposal.from, to: proposal.to, direction: proposal.direction };
                change.apply(&mut tx, &program, &why(), by_the_program, version, now).await?;
                report.changed += 1;
                touched.push(organisation_id);
            }
            (Some(proposal), Some(&to)) if to == proposal.to => {}
            (Some(proposal), _) => {
                close_pending(&mut tx, organisation_id, ProposalState::Withdrawn, by_the_program, now).await?;
                execute_in!(
                    tx,
                    sqlx::query(INSERT_PROPOSAL)
                        .bind(organisation_id)
                        .bind(proposal.from)
                        .bind(proposal.to)
                        .bind(proposal.direction)
                        .bind(why())
                        .bind(version)
                        .bind(now)
                        .bind(ProposalState::Pending)
                )?;
                report.proposed += 1;
                touched.push(organisation_id);
            }
            (None, Some(_)) => {
                close_pending(&mut tx, organisation_id, ProposalState::Withdrawn, by_the_program, now).await?;
                touched.push(organisation_id);
            }
            (None, None) => {}
        }
        match evaluation.grace {
            Grace::Starts { .. } => {
                execute_in!(tx, sqlx::query(SET_GRACE).bind(now).bind(organisation_id))?;
                report.graces_started += 1;
                touched.push(organisation_id);
            }
            Grace::Ends => {
                execute_in!(tx, sqlx::query(SET_GRACE).bind(None::<DateTime<Utc>>).bind(organisation_id))?;
                touched.push(organisation_id);
            }
            Grace::None | Grace::Runs { .. } | Grace::Over => {}
        }
    }
    if only.is_none() {
        execute_in!(tx, sqlx::query(MARK_EVALUATED).bind(Some(now)))?;
    }
    tx.commit().await?;
    touched.dedup();
    Ok((report, touched))
}

/// Who decided a change, and why: `by` none when the program applied it by its rules.
#[derive(Clone, Copy, Debug)]
pub struct Decision<'a> {
    pub by: Option<i64>,
    pub reason: &'a str,
}

/// Closes a partner's pending proposal, if it has one, as `state`.
pub async fn close_pending(
    tx: &mut Tx,
    organisation_id: i64,
    state: ProposalState,
    decision: Decision<'_>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    execute_in!(
        tx,
        sqlx::query(CLOSE_PENDING).bind(state).bind(decision.by).bind(now).bind(decision.reason).bind(organisation_id)
    )?;
    Ok(())
}

/// A change of tier, with everything written about it.
pub struct Change {
    pub organisation_id: i64,
    pub from: Option<i64>,
    pub to: i64,
    pub direction: Direction,
}

impl Change {
    /// Moves the partner (its grace period ends) and writes the history line.
    pub async fn apply(
        &self,
        tx: &mut Tx,
        program: &Program,
        why: &str,
        decision: Decision<'_>,
        version: i64,
        now: DateTime<Utc>,
    ) -> Result<(), sqlx::Error> {
        execute_in!(tx, sqlx::query(SET_TIER).bind(self.to).bind(self.organisation_id))?;
        self.record(tx, program, HistoryKind::of(self.direction, self.from), why, decision, version, now).await?;
        let data = serde_json::json!({
            "organisation_id": self.organisation_id,
            "from_tier": self.from.map(|from| program.name_of(from)),
            "to_tier": program.name_of(self.to),
            "direction": self.direction,
            "why": why,
        });
        webhooks::store::record(tx, webhooks::EventKind::TierChanged, &data, now).await
    }

    /// Writes the history line of this change as `kind` (a decline leaves the partner where it is).
    #[allow(clippy::too_many_arguments)]
    pub async fn record(
        &self,
        tx: &mut Tx,
        program: &Program,
        kind: HistoryKind,
        why: &str,
        decision: Decision<'_>,
        version: i64,
        now: DateTime<Utc>,
    ) -> Result<(), sqlx::Error> {
        let from_name = self.from.map(|id| program.name_of(id).to_owned()).unwrap_or_default();
        execute_in!(
            tx,
            sqlx::query(INSERT_HISTORY)
                .bind(self.organisation_id)
                .bind(kind)
                .bind(self.from)
                .bind(self.to)
                .bind(from_name)
                .bind(program.name_of(self.to))
                .bind(why)
                .bind(decision.by)
                .bind(decision.reason)
                .bind(version)
                .bind(now)
        )?;
        Ok(())
    }
}

/// When every partner was last evaluated (`None`: a run is due, as after publishing).
pub async fn evaluated_at(db: &Db) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_scalar(EVALUATED_AT).fetch_one(pool).await)
}
