use super::*;
use crate::kpi::period::PeriodKind;
use chrono::TimeZone;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, 0, 0).single().expect("time")
}

fn partner(id: i64, tier: &str, rank: i64, region: &str, joined: NaiveDate) -> PartnerFact {
    PartnerFact {
        id,
        name: format!("Partner {id}"),
        tier: tier.into(),
        tier_rank: rank,
        region: region.into(),
        channel_manager_id: None,
        joined: day_number(joined),
        people: Vec::new(),
    }
}

fn won(org: i64, amount: i64, sourced: bool, closed: NaiveDate) -> DealFact {
    DealFact {
        organisation_id: org,
        created_by: org * 10,
        status: DealStatus::Won,
        sourced,
        amount: amount / 2,
        final_amount: amount,
        submitted: Some(at(2026, 1, 5, 9)),
        decided: Some(at(2026, 1, 5, 12)),
        closed: Some(day_number(closed)),
    }
}

#[test]
fn a_quarter_added_up_by_hand() {
    let partners = [
        partner(1, "Gold", 3, "EMEA", day(2025, 1, 1)),
        partner(2, "Silver", 2, "APAC", day(2026, 10, 3)),
        partner(3, "Silver", 2, "EMEA", day(2026, 11, 20)),
    ];
    let mut submitted = won(2, 0, true, day(2026, 1, 1));
    submitted.status = DealStatus::Submitted;
    submitted.amount = 7_000;
    submitted.submitted = Some(at(2026, 11, 2, 8));
    submitted.decided = None;
    submitted.closed = None;
    let mut rejected = submitted;
    rejected.status = DealStatus::Rejected;
    rejected.decided = Some(at(2026, 11, 2, 14));
    let mut lost = won(1, 0, true, day(2026, 10, 9));
    lost.status = DealStatus::Lost;
    let deals = [
        won(1, 100_000, true, day(2026, 10, 10)),
        won(1, 50_000, false, day(2026, 12, 31)),
        won(2, 30_000, true, day(2026, 11, 1)),
        won(1, 999, true, day(2026, 9, 30)),
        lost,
        submitted,
        rejected,
        // Outside the scope: not one of `partners`.
        won(9, 1_000_000, true, day(2026, 11, 1)),
    ];
    let q4 = Period::containing(PeriodKind::Quarter, day(2026, 11, 24));
    let figures =
        dashboard_figures(deals.iter(), &partners, (q4, q4.previous()), (ActivationEvent::Won, 90), day(2027, 6, 1));
    let now = &figures.current;
    assert_eq!((now.won_sourced_minor, now.won_influenced_minor), (130_000, 50_000));
    assert_eq!((now.won_deals, now.lost_deals), (3, 1));
    assert_eq!((now.submitted_deals, now.approved_deals, now.rejected_deals), (2, 0, 1));
    assert_eq!(now.approval_minutes, vec![360]);
    assert_eq!((now.partners, now.active_partners), (3, 2));
    // Partners 2 and 3 joined in Q4; 2 won 29 days after joining (registered, approved, won), 3 did nothing.
    assert_eq!((now.cohort_joined, now.cohort_activated), (2, 1));
    assert_eq!(now.days_to_first_win, vec![29]);
    assert_eq!(figures.previous.won_sourced_minor, 999);
    assert_eq!((figures.previous.partners, figures.previous.active_partners), (1, 1));
    assert_eq!(figures.funnel, [2, 1, 1, 1]);
    assert_eq!(figures.approvals_waiting, 1);
    assert_eq!(figures.revenue_by_month[11], 50_000);
    assert_eq!(figures.revenue_by_month[10], 30_000);
    assert_eq!(figures.revenue_by_month[9], 100_000);
    assert_eq!(figures.revenue_by_month[8], 999);
    assert_eq!(figures.revenue_by_tier, vec![("Silver".to_string(), 30_000), ("Gold".to_string(), 150_000)]);
    assert_eq!(figures.revenue_by_region, vec![("APAC".to_string(), 30_000), ("EMEA".to_string(), 150_000)]);
    let submitted_now: Vec<_> = figures.pipeline.iter().filter(|(_, count, _)| *count > 0).collect();
    assert_eq!(submitted_now, [&(DealStatus::Submitted, 1, 7_000), &(DealStatus::Rejected, 1, 7_000)]);
}

#[test]
fn registering_activates_when_the_program_says_so() {
    let partners = [partner(1, "Silver", 2, "EMEA", day(2026, 11, 1))];
    let mut deal = won(1, 10, true, day(2026, 1, 1));
    deal.status = DealStatus::Submitted;
    deal.submitted = Some(at(2026, 11, 3, 9));
    deal.closed = None;
    let month = Period::containing(PeriodKind::Month, day(2026, 11, 1));
    let by_win = dashboard_figures(
        [deal].iter(),
        &partners,
        (month, month.previous()),
        (ActivationEvent::Won, 90),
        day(2027, 6, 1),
    );
    assert_eq!(by_win.current.cohort_activated, 0);
    let by_registering = dashboard_figures(
        [deal].iter(),
        &partners,
        (month, month.previous()),
        (ActivationEvent::Registered, 90),
        day(2027, 6, 1),
    );
    assert_eq!(by_registering.current.cohort_activated, 1);
    let too_late = dashboard_figures(
        [deal].iter(),
        &partners,
        (month, month.previous()),
        (ActivationEvent::Registered, 1),
        day(2027, 6, 1),
    );
    assert_eq!(too_late.current.cohort_activated, 0);
}

#[test]
fn an_empty_program_adds_up_to_zero() {
    let figures = dashboard_figures(
        std::iter::empty(),
        &[],
        (Period::containing(PeriodKind::Year, day(2026, 1, 1)), Period::containing(PeriodKind::Year, day(2025, 1, 1))),
        (ActivationEvent::Won, 90),
        day(2027, 1, 1),
    );
    assert_eq!(figures.current, PeriodAggregates::default());
    assert_eq!(figures.revenue_by_month, vec![0; 12]);
}

#[test]
fn a_partners_year_counts_the_last_365_days() {
    let partners = [partner(1, "Gold", 3, "EMEA", day(2024, 1, 1)), partner(2, "Silver", 2, "EMEA", day(2024, 1, 1))];
    let today = day_number(day(2026, 11, 24));
    let mut lost = won(1, 0, true, day(2026, 3, 1));
    lost.status = DealStatus::Lost;
    let mut recent = won(1, 0, true, day(2026, 1, 1));
    recent.status = DealStatus::Submitted;
    recent.submitted = Some(at(2026, 8, 27, 9)); // 89 days before today
    recent.closed = None;
    let mut too_old = recent;
    too_old.submitted = Some(at(2026, 8, 26, 9)); // 90 days before: outside the 90 days
    let deals = [
        won(1, 1_000, true, day(2025, 11, 25)), // the first day of the twelve months
        won(1, 5_000, true, day(2025, 11, 24)), // a day too early
        won(1, 2_000, false, day(2026, 4, 1)),  // more than 180 days ago: not active by it
        lost,
        recent,
        too_old,
        won(2, 700, true, day(2026, 10, 1)),
    ];
    let [years] = partner_years(deals.iter(), &partners, [today]);
    // Two days in one pass count each as a pass of its own does.
    let month_ago = today - 30;
    let [again, earlier] = partner_years(deals.iter(), &partners, [today, month_ago]);
    assert_eq!((&again, &earlier), (&years, &partner_years(deals.iter(), &partners, [month_ago])[0]));
    assert_eq!(
        years[0],
        PartnerYear {
            won_revenue: 3_000,
            won_deals: 2,
            lost_deals: 1,
            registered_recently: 1,
            active: false,
            people: (0, 0)
        }
    );
    assert_eq!(
        years[1],
        PartnerYear {
            won_revenue: 700,
            won_deals: 1,
            lost_deals: 0,
            registered_recently: 0,
            active: true,
            people: (0, 0)
        }
    );
}

#[test]
fn leaderboard_values_and_shared_ranks() {
    let partners = [
        partner(1, "Gold", 3, "EMEA", day(2025, 1, 1)),
        partner(2, "Silver", 2, "EMEA", day(2025, 1, 1)),
        partner(3, "Silver", 2, "APAC", day(2025, 1, 1)),
    ];
    let deals = [
        won(1, 500, true, day(2026, 11, 2)),
        won(2, 300, true, day(2026, 11, 3)),
        won(2, 200, false, day(2026, 11, 4)),
        won(3, 100, true, day(2026, 10, 4)),
    ];
    let november = Period::containing(PeriodKind::Month, day(2026, 11, 1));
    let revenue = partner_scores(deals.iter(), &partners, november, LeaderboardMetric::Revenue);
    assert_eq!(revenue, vec![500, 500, 0]);
    assert_eq!(rank(&revenue, 0..3), vec![(1, 0), (1, 1), (3, 2)]);
    let wins = partner_scores(deals.iter(), &partners, november, LeaderboardMetric::WonDeals);
    assert_eq!(rank(&wins, [1, 2].into_iter()), vec![(1, 1), (2, 2)]);
    let reps = rep_scores(deals.iter(), november);
    assert_eq!(reps[&2], vec![(20, 500, 2)]);
    assert_eq!(reps[&1], vec![(10, 500, 1)]);
    assert!(!reps.contains_key(&3), "partner 3 won nothing in November");
}

#[test]
fn training_completion_counts_people_certified_at_the_end_of_a_day() {
    let on = |y, m, d| day_number(day(y, m, d));
    let person = |joined, left, certified: Vec<(Day, Day)>| PersonFact { joined, left, certified };
    let people = [
        // Certified for a year from March 2026.
        person(on(2025, 1, 1), None, vec![(on(2026, 3, 1), on(2027, 3, 1))]),
        // Certified, but it ended on the 1st of December.
        person(on(2025, 1, 1), None, vec![(on(2025, 12, 1), on(2026, 12, 1))]),
        // Never certified.
        person(on(2025, 1, 1), None, Vec::new()),
        // Left in November: no longer counted, certified or not.
        person(on(2025, 1, 1), Some(on(2026, 11, 15)), vec![(on(2026, 3, 1), on(2027, 3, 1))]),
        // Joined after the day.
        person(on(2027, 1, 1), None, Vec::new()),
    ];
    assert_eq!(certified_people(&people, on(2026, 11, 30)), (2, 3));
    assert_eq!(certified_people(&people, on(2026, 12, 1)), (1, 3), "it ends on its end day");
    assert_eq!(certified_people(&people, on(2026, 2, 28)), (1, 4));
    let mut trained = partner(1, "Gold", 3, "EMEA", day(2024, 1, 1));
    trained.people = people.to_vec();
    let [years] = partner_years([].iter(), &[trained], [on(2026, 11, 30)]);
    assert_eq!(years[0].people, (2, 3));
}
