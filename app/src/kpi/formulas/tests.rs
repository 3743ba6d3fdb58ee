use super::*;

#[test]
fn every_kpi_has_its_own_dictionary_entry() {
    let mut ids = std::collections::HashSet::new();
    for entry in &DICTIONARY {
        assert_eq!(definition(entry.kpi).kpi, entry.kpi, "{}", entry.id);
        assert!(ids.insert(entry.id), "{} twice", entry.id);
    }
}

fn quarter() -> PeriodAggregates {
    // A hand-worked quarter: 3 wins (2 sourced: 50,000.00 + 30,000.00; 1 influenced: 20,000.00),
    // 1 loss, 8 submissions, 5 approvals and 1 rejection taking 60, 120, 180, 240, 300 and 600 minutes,
    // 40 partners of whom 10 active, 4 joined and 1 of them activated, first wins after 30 and 50 days.
    PeriodAggregates {
        won_sourced_minor: 8_000_000,
        won_influenced_minor: 2_000_000,
        won_deals: 3,
        lost_deals: 1,
        submitted_deals: 8,
        approved_deals: 5,
        rejected_deals: 1,
        approval_minutes: vec![600, 60, 180, 120, 300, 240],
        partners: 40,
        active_partners: 10,
        cohort_joined: 4,
        cohort_activated: 1,
        days_to_first_win: vec![50, 30],
        ..PeriodAggregates::default()
    }
}

#[test]
fn revenue_is_shown_whole_and_split_by_attribution() {
    let a = quarter();
    assert_eq!(measure(Kpi::TotalRevenue, &a), Measure::Money(10_000_000));
    assert_eq!(measure(Kpi::SourcedRevenue, &a), Measure::Money(8_000_000));
    assert_eq!(measure(Kpi::InfluencedRevenue, &a), Measure::Money(2_000_000));
}

#[test]
fn shares_divide_the_right_counts() {
    let a = quarter();
    assert_eq!(measure(Kpi::ActivationRate, &a), Measure::Share(Ratio::new(1, 4)));
    assert_eq!(measure(Kpi::ActivePartnerShare, &a), Measure::Share(Ratio::new(10, 40)));
    assert_eq!(measure(Kpi::ApprovalRate, &a), Measure::Share(Ratio::new(5, 6)));
    assert_eq!(measure(Kpi::WinRate, &a), Measure::Share(Ratio::new(3, 4)));
    assert_eq!(Ratio::new(3, 4).map(Ratio::percent_text).as_deref(), Some("75.0%"));
    assert_eq!(Ratio::new(5, 6).map(Ratio::percent_text).as_deref(), Some("83.3%"));
}

#[test]
fn revenue_per_partner_divides_by_active_partners_in_whole_cents() {
    assert_eq!(measure(Kpi::RevenuePerPartner, &quarter()), Measure::Money(1_000_000));
    let odd = PeriodAggregates { won_sourced_minor: 1_000, active_partners: 3, ..PeriodAggregates::default() };
    assert_eq!(measure(Kpi::RevenuePerPartner, &odd), Measure::Money(333));
    let up = PeriodAggregates { won_sourced_minor: 2_000, active_partners: 3, ..PeriodAggregates::default() };
    assert_eq!(measure(Kpi::RevenuePerPartner, &up), Measure::Money(667));
}

#[test]
fn medians_of_odd_and_even_counts() {
    let a = quarter();
    assert_eq!(measure(Kpi::RegistrationVolume, &a), Measure::Count(8));
    // Minutes sorted: 60 120 180 240 300 600 → (180 + 240) / 2 = 210 minutes = 3.5 hours.
    assert_eq!(measure(Kpi::MedianApprovalTime, &a), Measure::Median(Some(3.5)));
    assert_eq!(measure(Kpi::TimeToFirstDeal, &a), Measure::Median(Some(40.0)));
    assert_eq!(median(&[7, 1, 3]), Some(3.0));
    assert_eq!(median(&[]), None);
}

#[test]
fn an_empty_period_is_zero_or_not_applicable_and_never_nan() {
    let empty = PeriodAggregates::default();
    for definition in DICTIONARY {
        let value = measure(definition.kpi, &empty);
        match value {
            Measure::Money(0) | Measure::Count(0) => {}
            Measure::Share(None) | Measure::Median(None) | Measure::Factor(None) | Measure::Unavailable => {}
            other => panic!("{}: an empty period gave {other:?}", definition.name),
        }
    }
}

#[test]
fn kpis_without_their_data_are_unavailable_and_every_kpi_is_defined_as_computed() {
    let a = quarter();
    assert_eq!(measure(Kpi::ProgramRoi, &a), Measure::Unavailable);
    assert_eq!(measure(Kpi::MdfRoi, &a), Measure::Unavailable);
    // Every KPI is computed now: training completion since certifications are recorded, Program
    // and MDF ROI since the ledger and MDF claims are (each a new version of its definition).
    let pending: Vec<_> = DICTIONARY.iter().filter(|d| d.pending.is_some()).map(|d| d.kpi).collect();
    assert_eq!(pending, []);
    assert_eq!(definition(Kpi::TrainingCompletion).version, 2);
    assert_eq!(definition(Kpi::TimeToFirstDeal).version, 2);
    assert_eq!((definition(Kpi::ProgramRoi).version, definition(Kpi::MdfRoi).version), (2, 2));
}

#[test]
fn training_program_and_mdf_roi_once_their_data_exists() {
    let a = PeriodAggregates {
        won_sourced_minor: 10_000_000,
        certification: Some((6, 8)),
        // 100,000.00 revenue at a 40% margin is 40,000.00; cost 10,000.00 → (40,000 − 10,000) ÷ 10,000 = 3.
        program_cost_minor: Some(1_000_000),
        gross_margin_basis_points: Some(4_000),
        mdf: Some((500_000, 2_000_000)),
        ..PeriodAggregates::default()
    };
    assert_eq!(measure(Kpi::TrainingCompletion, &a), Measure::Share(Ratio::new(6, 8)));
    assert_eq!(measure(Kpi::ProgramRoi, &a), Measure::Factor(Some(3.0)));
    assert_eq!(measure(Kpi::MdfRoi, &a), Measure::Factor(Some(4.0)));
    let nothing_spent = PeriodAggregates {
        program_cost_minor: Some(0),
        gross_margin_basis_points: Some(4_000),
        mdf: Some((0, 9)),
        ..a
    };
    assert_eq!(measure(Kpi::ProgramRoi, &nothing_spent), Measure::Factor(None));
    assert_eq!(measure(Kpi::MdfRoi, &nothing_spent), Measure::Factor(None));
    assert_eq!(
        measure(
            Kpi::TrainingCompletion,
            &PeriodAggregates { certification: Some((0, 0)), ..PeriodAggregates::default() }
        ),
        Measure::Share(None)
    );
}

#[test]
fn change_from_the_previous_period() {
    assert_eq!(change_percent(&Measure::Money(150), &Measure::Money(100)), Some(50.0));
    assert_eq!(change_percent(&Measure::Count(5), &Measure::Count(10)), Some(-50.0));
    assert_eq!(change_percent(&Measure::Count(5), &Measure::Count(0)), None);
    assert_eq!(change_percent(&Measure::Share(None), &Measure::Share(Ratio::new(1, 2))), None);
    assert_eq!(change_percent(&Measure::Unavailable, &Measure::Unavailable), None);
}

#[test]
fn every_dictionary_entry_is_distinct_and_versioned() {
    let ids: std::collections::HashSet<_> = DICTIONARY.iter().map(|d| d.id).collect();
    assert_eq!(ids.len(), DICTIONARY.len());
    assert!(DICTIONARY.iter().all(|d| d.version >= 1 && !d.formula.is_empty()));
    assert_eq!(definition(Kpi::WinRate).name, "Deal-registration win rate");
}

#[test]
fn rounding_halves_away_from_zero() {
    assert_eq!(divide_rounded(5, 2), 3);
    assert_eq!(divide_rounded(-5, 2), -3);
    assert_eq!(divide_rounded(4, 3), 1);
    assert_eq!(divide_rounded(1, 0), 0);
}
