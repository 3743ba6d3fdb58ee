//! The KPI fact cache: every deal's KPI-relevant facts in memory, amounts converted to the
//! reporting currency, so a dashboard over a million deals is one pass in RAM instead of a dozen
//! scans of the table.
//!
//! The database stays the truth. Every write to a deal gets the next number of a change sequence
//! that the database hands out in commit order (migration 0005). Before each read the cache
//! catches up with the deals written after the last number it saw (an indexed query that usually
//! returns nothing), so a write is seen however late it commits and whatever any clock says.
//! Requests that arrive while a catch-up runs share it instead of queueing their own. The server
//! loads the cache when it starts.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Arc;
use std::time::Instant;

use tokio::sync::{Mutex, OnceCell, RwLock, RwLockReadGuard};

use super::compute::{DashboardFigures, Day, DealFact, PartnerFact, day_number};
use super::health::{Health, PartnerYear};
use super::period::Period;
use super::store::{self, FactRow};
use super::{ActivationEvent, LeaderboardMetric};
use crate::auth::reach::Reach;
use crate::db::Db;
use crate::deals::Attribution;
use crate::money::Conversion;

const LOAD_PAGE: i64 = 50_000;

pub struct Facts {
    /// Indexed by deal id (ids are dense).
    deals: Vec<Option<DealFact>>,
    conversion: Conversion,
    /// The number of the last write to deals the facts include; `None` before the first load.
    watermark: Option<i64>,
    partners: Arc<Vec<PartnerFact>>,
    /// The partners' change counter when they were read.
    partners_version: Option<i64>,
    /// Goes up whenever a fact or a partner changes: what memoised results are keyed by.
    version: u64,
}

impl Facts {
    pub fn version(&self) -> u64 {
        self.version
    }

    pub fn deals(&self) -> impl Iterator<Item = &DealFact> {
        self.deals.iter().flatten()
    }

    pub fn partners(&self) -> Arc<Vec<PartnerFact>> {
        self.partners.clone()
    }

    pub fn len(&self) -> usize {
        self.deals().count()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn put(&mut self, row: FactRow) {
        let Ok(slot) = usize::try_from(row.id) else { return };
        let status = row.status;
        if self.deals.len() <= slot {
            self.deals.resize(slot + 1, None);
        }
        let fact = Some(DealFact {
            organisation_id: row.organisation_id,
            created_by: row.created_by,
            status,
            sourced: row.attribution == Attribution::Sourced,
            amount: self.conversion.convert(row.amount_minor, &row.currency),
            final_amount: row.final_amount_minor.map_or(0, |minor| self.conversion.convert(minor, &row.currency)),
            submitted: row.submitted_at,
            decided: row.decided_at,
            closed: row.closed_on.map(day_number),
        });
        // Catching up reads the last few seconds' changes again; only a real change is a new version.
        if self.deals[slot] != fact {
            self.deals[slot] = fact;
            self.version += 1;
        }
    }
}

#[derive(Clone)]
pub struct FactCache {
    facts: Arc<RwLock<Facts>>,
    /// Held while catching up; with the time the last catch-up started.
    catching_up: Arc<Mutex<Option<Instant>>>,
    /// Results computed from the facts, shared until they change.
    pub memos: Arc<Memos>,
}

impl Default for FactCache {
    fn default() -> FactCache {
        FactCache::new()
    }
}

impl std::fmt::Debug for FactCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FactCache")
    }
}

impl FactCache {
    pub fn new() -> FactCache {
        FactCache {
            facts: Arc::new(RwLock::new(Facts {
                deals: Vec::new(),
                conversion: Conversion::default(),
                watermark: None,
                partners: Arc::new(Vec::new()),
                partners_version: None,
                version: 0,
            })),
            catching_up: Arc::new(Mutex::new(None)),
            memos: Arc::new(Memos::default()),
        }
    }

    /// Whether every deal's facts have been loaded once.
    pub async fn is_loaded(&self) -> bool {
        self.facts.read().await.watermark.is_some()
    }

    /// Loads every deal's facts; the server does this as it starts, so no page waits for it.
    pub async fn load(&self, db: &Db) -> Result<(), sqlx::Error> {
        let currency = store::program_settings(db).await?.reporting_currency;
        self.read(db, &currency).await.map(drop)
    }

    /// The facts, caught up with every deal committed before this call.
    pub async fn read(&self, db: &Db, reporting_currency: &str) -> Result<RwLockReadGuard<'_, Facts>, sqlx::Error> {
        let arrived = Instant::now();
        {
            let mut last_started = self.catching_up.lock().await;
            // A catch-up that started after we arrived has seen everything we must see.
            if !last_started.is_some_and(|started| started > arrived) {
                // Recorded only once it succeeded: after a failure, the next request tries again.
                let started = Instant::now();
                self.catch_up(db, reporting_currency).await?;
                *last_started = Some(started);
            }
        }
        Ok(self.facts.read().await)
    }

    async fn catch_up(&self, db: &Db, reporting_currency: &str) -> Result<(), sqlx::Error> {
        let (watermark, same_currency, partners_version) = {
            let facts = self.facts.read().await;
            (facts.watermark, facts.conversion.reporting() == reporting_currency, facts.partners_version)
        };
        let partners_now = store::partners_version(db).await?;
        if partners_version != Some(partners_now) {
            let partners = Arc::new(store::partner_facts(db).await?);
            let mut facts = self.facts.write().await;
            if facts.partners != partners {
                facts.partners = partners;
                facts.version += 1;
            }
            facts.partners_version = Some(partners_now);
        }
        match watermark.filter(|_| same_currency) {
            Some(after) => {
                let rows = store::deals_changed_after(db, after).await?;
                if let Some(last) = rows.last().map(|row| row.change_seq) {
                    let mut facts = self.facts.write().await;
                    rows.into_iter().for_each(|row| facts.put(row));
                    facts.watermark = Some(last);
                }
            }
            None => {
                // Writes during the load have higher numbers: the next catch-up reads them again.
                let loaded_up_to = store::last_change(db).await?;
                let conversion = Conversion::new(reporting_currency, &crate::money::store::usd_rates(db).await?);
                {
                    let mut facts = self.facts.write().await;
                    facts.deals.clear();
                    facts.conversion = conversion;
                    facts.version += 1;
                }
                let mut after = 0;
                loop {
                    let rows = store::deals_after(db, after, LOAD_PAGE).await?;
                    let Some(last) = rows.last().map(|row| row.id) else { break };
                    after = last;
                    let mut facts = self.facts.write().await;
                    rows.into_iter().for_each(|row| facts.put(row));
                }
                self.facts.write().await.watermark = Some(loaded_up_to);
            }
        }
        Ok(())
    }
}

/// The fact cache the server provided as context beside its state.
pub fn fact_cache() -> Result<FactCache, crate::error::AppError> {
    crate::state::provided::<FactCache>()
}

/// Results computed from one version of the facts, each shared by every request that asks for it
/// until the facts change: a thousand open pages re-reading after an event cost one pass over the
/// deals, not a thousand. Requests that arrive while it is computed wait for it.
pub struct Memo<K, V> {
    entries: std::sync::Mutex<(u64, HashMap<K, Arc<OnceCell<Arc<V>>>>)>,
}

/// How many results one memo keeps for a version before it starts again.
const MEMO_ENTRIES: usize = 256;

impl<K, V> Default for Memo<K, V> {
    fn default() -> Memo<K, V> {
        Memo { entries: std::sync::Mutex::new((0, HashMap::new())) }
    }
}

impl<K: Eq + Hash, V> Memo<K, V> {
    /// The result for `key` from facts of `version`, if it has been computed.
    pub fn cached(&self, version: u64, key: &K) -> Option<Arc<V>> {
        let entries = self.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if entries.0 != version {
            return None;
        }
        entries.1.get(key)?.get().cloned()
    }

    /// The result for `key` computed from facts of `version`, computing it if nobody has yet.
    pub async fn get(&self, version: u64, key: K, compute: impl FnOnce() -> V) -> Arc<V> {
        let cell = {
            let mut entries = self.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            if version > entries.0 || entries.1.len() >= MEMO_ENTRIES {
                *entries = (version, HashMap::new());
            }
            if version < entries.0 {
                // Facts older than the memo's: compute without sharing.
                None
            } else {
                Some(entries.1.entry(key).or_default().clone())
            }
        };
        match cell {
            Some(cell) => cell.get_or_init(|| async { Arc::new(compute()) }).await.clone(),
            None => Arc::new(compute()),
        }
    }
}

/// The memoised results of the performance pages.
#[derive(Default)]
pub struct Memos {
    /// Figures over the partners within a reach (a scorecard's: one partner's own).
    /// Keyed by reach, period, the period compared with, and the activation rule.
    pub dashboards: Memo<(Reach, (Period, Period), ActivationEvent, i64), DashboardFigures>,
    /// Every partner's leaderboard value for a period and metric.
    pub leaderboards: Memo<(Period, LeaderboardMetric), Vec<i64>>,
    /// Every partner's reps' standings in a period, by organisation.
    pub reps: Memo<Period, HashMap<i64, Vec<(i64, i64, i64)>>>,
    /// Every partner's trailing twelve months up to a day, and up to the day its trend looks back to.
    pub years: Memo<(Day, Day), [Vec<PartnerYear>; 2]>,
    /// Every partner's health on a day, by organisation id, as of an audit log position (the
    /// sign-ins it counts).
    pub health: Memo<(Day, i64), HashMap<i64, Health>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_memo_computes_once_per_version_and_shares_it() {
        let memo: Memo<&str, u32> = Memo::default();
        let computed = std::sync::atomic::AtomicU32::new(0);
        let count = || computed.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
        assert_eq!(*memo.get(1, "a", count).await, 1);
        assert_eq!(*memo.get(1, "a", count).await, 1, "the same version shares the result");
        assert_eq!(*memo.get(1, "b", count).await, 2, "another key is computed");
        assert_eq!(*memo.get(2, "a", count).await, 3, "changed facts are computed again");
        assert_eq!(*memo.get(1, "a", count).await, 4, "older facts are not given a newer result");
        assert_eq!(*memo.get(2, "a", count).await, 3);
    }
}
