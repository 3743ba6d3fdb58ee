//! From deal and partner facts to a period's aggregates, chart series and leaderboards: one pass
//! over the deals, no I/O, so it is tested with hand-built facts and timed in the benchmark.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};

use super::formulas::PeriodAggregates;
use super::health::{ENGAGEMENT_DAYS, PartnerYear};
use super::period::Period;
use super::{ActivationEvent, LeaderboardMetric};
use crate::deals::status::DealStatus;

/// A calendar day as a number, so the hot loop compares integers.
pub type Day = i32;

pub fn day_number(date: NaiveDate) -> Day {
    date.num_days_from_ce()
}

pub fn day_of_time(at: DateTime<Utc>) -> Day {
    day_number(at.date_naive())
}

/// What the KPIs need of one deal; amounts already in the reporting currency.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DealFact {
    pub organisation_id: i64,
    pub created_by: i64,
    pub status: DealStatus,
    pub sourced: bool,
    pub amount: i64,
    pub final_amount: i64,
    pub submitted: Option<DateTime<Utc>>,
    pub decided: Option<DateTime<Utc>>,
    pub closed: Option<Day>,
}

/// What the KPIs need of one partner organisation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartnerFact {
    pub id: i64,
    pub name: String,
    pub tier: String,
    pub tier_rank: i64,
    pub region: String,
    pub channel_manager_id: Option<i64>,
    /// The day its clock starts: its first acceptance of the partner agreement, or the day it
    /// joined for a partner in the program before onboarding.
    pub joined: Day,
    /// Its people, as training completion and the health score's competency count them.
    pub people: Vec<PersonFact>,
}

/// One of a partner's people: from and until when they count, and the days each of their
/// certifications was valid (`[earned, ends)`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PersonFact {
    pub joined: Day,
    pub left: Option<Day>,
    pub certified: Vec<(Day, Day)>,
}

impl PersonFact {
    /// Whether they were one of the partner's people at the end of `day`.
    pub fn counts_on(&self, day: Day) -> bool {
        self.joined <= day && self.left.is_none_or(|left| day < left)
    }

    /// Whether a certification of theirs was valid at the end of `day`.
    pub fn certified_on(&self, day: Day) -> bool {
        self.certified.iter().any(|(earned, ends)| *earned <= day && day < *ends)
    }
}

/// (certified, counted) among `people` at the end of `day`: training completion's parts.
pub fn certified_people(people: &[PersonFact], day: Day) -> (i64, i64) {
    people
        .iter()
        .filter(|person| person.counts_on(day))
        .fold((0, 0), |(certified, counted), person| (certified + i64::from(person.certified_on(day)), counted + 1))
}

impl crate::auth::reach::Reachable for PartnerFact {
    fn organisation_id(&self) -> i64 {
        self.id
    }
    fn channel_manager_id(&self) -> Option<i64> {
        self.channel_manager_id
    }
}

/// A partner counts as active with a win in the 180 days up to a day.
pub const ACTIVE_WINDOW_DAYS: Day = 180;

#[derive(Clone, Copy)]
struct Span {
    start: Day,
    end: Day,
}

impl Span {
    fn of(period: Period) -> Span {
        Span { start: day_number(period.start), end: day_number(period.end) }
    }

    fn has(self, day: Day) -> bool {
        self.start <= day && day <= self.end
    }
}

/// Per partner, what the pass over the deals learned.
#[derive(Clone, Copy)]
struct PartnerTrack {
    first_won: Day,
    first_submitted: Day,
    first_approved: Day,
    active_now: bool,
    active_before: bool,
    won_revenue: i64,
}

const NEVER: Day = Day::MAX;

/// Everything the managers' dashboard shows for a period and its predecessor.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DashboardFigures {
    pub current: PeriodAggregates,
    pub previous: PeriodAggregates,
    /// Won revenue of each of the twelve months ending with the period.
    pub revenue_by_month: Vec<i64>,
    /// Deals submitted in the period, by their status now: (status, count, amount).
    pub pipeline: Vec<(DealStatus, i64, i64)>,
    /// The period's joiners: joined, registered a deal, had one approved, won one.
    pub funnel: [i64; 4],
    /// Won revenue in the period by the partner's tier (in tier order) and region.
    pub revenue_by_tier: Vec<(String, i64)>,
    pub revenue_by_region: Vec<(String, i64)>,
    pub approvals_waiting: i64,
}

/// Maps organisation ids to positions in `partners` through a dense table (ids are small integers).
pub struct PartnerIndex {
    slots: Vec<u32>,
}

impl PartnerIndex {
    pub fn new(partners: &[PartnerFact]) -> PartnerIndex {
        let size = partners.iter().map(|p| p.id.max(0) as usize + 1).max().unwrap_or(0);
        let mut slots = vec![u32::MAX; size];
        for (position, partner) in partners.iter().enumerate() {
            if partner.id >= 0 {
                slots[partner.id as usize] = position as u32;
            }
        }
        PartnerIndex { slots }
    }

    #[inline]
    pub fn get(&self, organisation_id: i64) -> Option<usize> {
        let slot = *self.slots.get(usize::try_from(organisation_id).ok()?)?;
        (slot != u32::MAX).then_some(slot as usize)
    }
}

impl DealFact {
    /// What the deal counts for: its final amount once won, else the amount registered (as a
    /// deals list's amount and total read it).
    pub fn value(&self) -> i64 {
        if self.status == DealStatus::Won && self.final_amount > 0 { self.final_amount } else { self.amount }
    }
}

/// The dashboard's figures for the deals of `partners` (the viewer's scope) in `period`, and in
/// `comparison` (the period before it, or as many of its days as `period` has had so far). Who is
/// certified is counted at the end of each period, or `today` for one still running.
pub fn dashboard_figures<'a>(
    deals: impl Iterator<Item = &'a DealFact>,
    partners: &[PartnerFact],
    (period, comparison): (Period, Period),
    activation: (ActivationEvent, i64),
    today: NaiveDate,
) -> DashboardFigures {
    let today = day_number(today);
    let index = PartnerIndex::new(partners);
    let (now, before) = (Span::of(period), Span::of(comparison));
    let months: Vec<Span> = period
        .trailing_months()
        .into_iter()
        .map(|(start, end)| Span { start: day_number(start), end: day_number(end) })
        .collect();
    let active_now = Span { start: now.end - ACTIVE_WINDOW_DAYS + 1, end: now.end };
    let active_before = Span { start: before.end - ACTIVE_WINDOW_DAYS + 1, end: before.end };
    let blank = PartnerTrack {
        first_won: NEVER,
        first_submitted: NEVER,
        first_approved: NEVER,
        active_now: false,
        active_before: false,
        won_revenue: 0,
    };
    let mut tracks = vec![blank; partners.len()];
    let mut figures = DashboardFigures { revenue_by_month: vec![0; months.len()], ..DashboardFigures::default() };
    let mut pipeline = [(0i64, 0i64); DealStatus::ALL.len()];

    for deal in deals {
        let Some(position) = index.get(deal.organisation_id) else { continue };
        let track = &mut tracks[position];
        if deal.status == DealStatus::Submitted {
            figures.approvals_waiting += 1;
        }
        if let Some(closed) = deal.closed {
            let won = deal.status == DealStatus::Won;
            for (span, aggregates) in [(now, &mut figures.current), (before, &mut figures.previous)] {
                if !span.has(closed) {
                    continue;
                }
                if won {
                    aggregates.won_deals += 1;
                    let revenue = if deal.sourced {
                        &mut aggregates.won_sourced_minor
                    } else {
                        &mut aggregates.won_influenced_minor
                    };
                    *revenue += deal.value();
                } else if deal.status == DealStatus::Lost {
                    aggregates.lost_deals += 1;
                }
            }
            if won {
                track.first_won = track.first_won.min(closed);
                track.active_now |= active_now.has(closed);
                track.active_before |= active_before.has(closed);
                if now.has(closed) {
                    track.won_revenue += deal.value();
                }
                if let Some(month) = months.iter().position(|m| m.has(closed)) {
                    figures.revenue_by_month[month] += deal.value();
                }
            }
        }
        if let Some(submitted) = deal.submitted {
            let day = day_of_time(submitted);
            track.first_submitted = track.first_submitted.min(day);
            if now.has(day) {
                figures.current.submitted_deals += 1;
                let slot = &mut pipeline[deal.status as usize];
                slot.0 += 1;
                slot.1 += deal.value();
            } else if before.has(day) {
                figures.previous.submitted_deals += 1;
            }
            if let Some(decided) = deal.decided {
                let day = day_of_time(decided);
                let approved = deal.status != DealStatus::Rejected;
                if approved {
                    track.first_approved = track.first_approved.min(day);
                }
                for (span, aggregates) in [(now, &mut figures.current), (before, &mut figures.previous)] {
                    if span.has(day) {
                        *(if approved { &mut aggregates.approved_deals } else { &mut aggregates.rejected_deals }) += 1;
                        aggregates.approval_minutes.push((decided - submitted).num_minutes().max(0));
                    }
                }
            }
        }
    }

    let (event, window) = activation;
    let mut by_tier: Vec<(i64, String, i64)> = Vec::new();
    let mut by_region: Vec<(String, i64)> = Vec::new();
    for (partner, track) in partners.iter().zip(&tracks) {
        for (span, aggregates, active) in
            [(now, &mut figures.current, track.active_now), (before, &mut figures.previous, track.active_before)]
        {
            if partner.joined > span.end {
                continue;
            }
            let (certified, counted) = certified_people(&partner.people, span.end.min(today));
            let (all_certified, all_counted) = aggregates.certification.unwrap_or((0, 0));
            aggregates.certification = Some((all_certified + certified, all_counted + counted));
            aggregates.partners += 1;
            aggregates.active_partners += i64::from(active);
            if span.has(partner.joined) {
                aggregates.cohort_joined += 1;
                let first = match event {
                    ActivationEvent::Won => track.first_won,
                    ActivationEvent::Registered => track.first_submitted,
                };
                if first != NEVER && i64::from(first - partner.joined) <= window {
                    aggregates.cohort_activated += 1;
                }
            }
            if track.first_won != NEVER && span.has(track.first_won) {
                aggregates.days_to_first_win.push(i64::from((track.first_won - partner.joined).max(0)));
            }
        }
        if now.has(partner.joined) {
            figures.funnel[0] += 1;
            figures.funnel[1] += i64::from(track.first_submitted != NEVER);
            figures.funnel[2] += i64::from(track.first_approved != NEVER);
            figures.funnel[3] += i64::from(track.first_won != NEVER);
        }
        match by_tier.iter_mut().find(|(_, tier, _)| *tier == partner.tier) {
            Some(entry) => entry.2 += track.won_revenue,
            None => by_tier.push((partner.tier_rank, partner.tier.clone(), track.won_revenue)),
        }
        match by_region.iter_mut().find(|(region, _)| *region == partner.region) {
            Some(entry) => entry.1 += track.won_revenue,
            None => by_region.push((partner.region.clone(), track.won_revenue)),
        }
    }
    by_tier.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    by_region.sort();
    figures.revenue_by_tier = by_tier.into_iter().map(|(_, tier, revenue)| (tier, revenue)).collect();
    figures.revenue_by_region = by_region;
    figures.pipeline = DealStatus::ALL
        .into_iter()
        .filter(|status| *status != DealStatus::Draft)
        .map(|status| (status, pipeline[status as usize].0, pipeline[status as usize].1))
        .collect();
    figures
}

/// Every partner's trailing twelve months up to each of `days`, in one pass over the deals (a
/// health score and its trend read two).
pub fn partner_years<'a, const N: usize>(
    deals: impl Iterator<Item = &'a DealFact>,
    partners: &[PartnerFact],
    days: [Day; N],
) -> [Vec<PartnerYear>; N] {
    let index = PartnerIndex::new(partners);
    let windows = days.map(|today| {
        let year = Span { start: today - 364, end: today };
        let active = Span { start: today - ACTIVE_WINDOW_DAYS + 1, end: today };
        let recent = Span { start: today - ENGAGEMENT_DAYS as Day + 1, end: today };
        (year, active, recent)
    });
    let mut years: [Vec<PartnerYear>; N] = std::array::from_fn(|which| {
        partners
            .iter()
            .map(|partner| PartnerYear {
                people: certified_people(&partner.people, days[which]),
                ..PartnerYear::default()
            })
            .collect()
    });
    for deal in deals {
        let Some(position) = index.get(deal.organisation_id) else { continue };
        let submitted = deal.submitted.map(day_of_time);
        for ((year, active, recent), years) in windows.iter().zip(years.iter_mut()) {
            let entry = &mut years[position];
            if submitted.is_some_and(|day| recent.has(day)) {
                entry.registered_recently += 1;
            }
            let Some(closed) = deal.closed.filter(|day| year.has(*day)) else { continue };
            match deal.status {
                DealStatus::Won => {
                    entry.won_deals += 1;
                    entry.won_revenue += deal.value();
                    entry.active |= active.has(closed);
                }
                DealStatus::Lost => entry.lost_deals += 1,
                _ => {}
            }
        }
    }
    years
}

/// One partner's (or rep's) figure on a leaderboard.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Score {
    pub position: usize,
    pub value: i64,
}

/// Each partner's value of `metric` in the period, by position in `partners`.
pub fn partner_scores<'a>(
    deals: impl Iterator<Item = &'a DealFact>,
    partners: &[PartnerFact],
    period: Period,
    metric: LeaderboardMetric,
) -> Vec<i64> {
    let index = PartnerIndex::new(partners);
    let span = Span::of(period);
    let mut values = vec![0i64; partners.len()];
    for deal in deals {
        if deal.status != DealStatus::Won || !deal.closed.is_some_and(|day| span.has(day)) {
            continue;
        }
        if let Some(position) = index.get(deal.organisation_id) {
            values[position] += match metric {
                LeaderboardMetric::Revenue => deal.value(),
                LeaderboardMetric::WonDeals => 1,
            };
        }
    }
    values
}

/// Revenue and won deals per rep (the user who registered the deal) in the period, for every
/// partner at once: organisation id → (user, revenue, won deals) in order of first win.
pub fn rep_scores<'a>(deals: impl Iterator<Item = &'a DealFact>, period: Period) -> HashMap<i64, Vec<(i64, i64, i64)>> {
    let span = Span::of(period);
    let mut partners: HashMap<i64, Vec<(i64, i64, i64)>> = HashMap::new();
    for deal in deals {
        if deal.status != DealStatus::Won || !deal.closed.is_some_and(|day| span.has(day)) {
            continue;
        }
        let reps = partners.entry(deal.organisation_id).or_default();
        match reps.iter_mut().find(|(user, _, _)| *user == deal.created_by) {
            Some(rep) => {
                rep.1 += deal.value();
                rep.2 += 1;
            }
            None => reps.push((deal.created_by, deal.value(), 1)),
        }
    }
    partners
}

/// Ranks entries by value, highest first; equal values share a rank ("1, 2, 2, 4").
/// Returns (rank, index into `values`) in board order; ties keep `values`' order.
pub fn rank(values: &[i64], members: impl Iterator<Item = usize>) -> Vec<(usize, usize)> {
    let mut order: Vec<usize> = members.collect();
    order.sort_by(|a, b| values[*b].cmp(&values[*a]).then(a.cmp(b)));
    let mut ranked = Vec::with_capacity(order.len());
    for (place, member) in order.iter().enumerate() {
        let rank = match ranked.last() {
            Some(&(previous_rank, previous)) if values[previous] == values[*member] => previous_rank,
            _ => place + 1,
        };
        ranked.push((rank, *member));
    }
    ranked
}

#[cfg(test)]
mod tests;
