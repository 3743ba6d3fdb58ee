//! The KPIs of the program, as pure functions over one period's aggregates, and the published
//! metric dictionary that says how each is computed. A zero denominator gives "n/a" (`None`),
//! never NaN, infinity or a panic; a KPI whose data Tessera does not collect yet is `Unavailable`.

use serde::{Deserialize, Serialize};

/// `numerator / denominator` with a denominator that is never zero.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ratio {
    pub numerator: i64,
    pub denominator: i64,
}

impl Ratio {
    /// `None` when the denominator is zero (or negative, which no count can be).
    pub fn new(numerator: i64, denominator: i64) -> Option<Ratio> {
        (denominator > 0).then_some(Ratio { numerator, denominator })
    }

    pub fn value(self) -> f64 {
        self.numerator as f64 / self.denominator as f64
    }

    /// The ratio in per cent, rounded to one decimal: `"62.5%"`.
    pub fn percent_text(self) -> String {
        format!("{:.1}%", self.value() * 100.0)
    }
}

/// One KPI's value for a period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Measure {
    /// In the program's reporting currency, minor units.
    Money(i64),
    Count(i64),
    /// A share; `None` is "n/a" (nothing to divide by).
    Share(Option<Ratio>),
    /// A median number of days or hours; `None` when there was nothing to take the median of.
    Median(Option<f64>),
    /// A plain ratio such as an ROI; `None` is "n/a".
    Factor(Option<f64>),
    /// Tessera does not collect what this KPI needs yet.
    Unavailable,
}

/// What one period added up to, for the partners in the viewer's scope.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PeriodAggregates {
    /// Closed-won amounts in the period, reporting currency minor units.
    pub won_sourced_minor: i64,
    pub won_influenced_minor: i64,
    pub won_deals: i64,
    pub lost_deals: i64,
    pub submitted_deals: i64,
    /// Decisions made in the period.
    pub approved_deals: i64,
    pub rejected_deals: i64,
    /// Minutes from submission to decision, for each decision in the period.
    pub approval_minutes: Vec<i64>,
    /// Partners that had joined by the end of the period.
    pub partners: i64,
    /// Of those, partners with a won deal in the 180 days up to the end of the period.
    pub active_partners: i64,
    /// Partners who joined in the period, and those of them who activated within the window.
    pub cohort_joined: i64,
    pub cohort_activated: i64,
    /// Days from joining to the first won deal, for partners whose first win fell in the period.
    pub days_to_first_win: Vec<i64>,
    /// Training: partner people with a valid certification, and all partner people, at the end.
    pub certification: Option<(i64, i64)>,
    /// Program cost (incentives paid + MDF + co-op + SPIFFs) and gross margin in basis points.
    pub program_cost_minor: Option<i64>,
    pub gross_margin_basis_points: Option<i64>,
    /// MDF paid, and the revenue of won deals linked to MDF activities.
    pub mdf: Option<(i64, i64)>,
}

impl PeriodAggregates {
    pub fn won_revenue_minor(&self) -> i64 {
        self.won_sourced_minor.saturating_add(self.won_influenced_minor)
    }
}

/// The middle value (the mean of the two middle ones for an even count); `None` for no values.
pub fn median(values: &[i64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    let middle = sorted.len() / 2;
    Some(if sorted.len() % 2 == 0 {
        (sorted[middle - 1] as f64 + sorted[middle] as f64) / 2.0
    } else {
        sorted[middle] as f64
    })
}

/// Every KPI of the program, in the order the dictionary lists them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Kpi {
    TotalRevenue,
    SourcedRevenue,
    InfluencedRevenue,
    ActivationRate,
    ActivePartnerShare,
    RevenuePerPartner,
    RegistrationVolume,
    ApprovalRate,
    MedianApprovalTime,
    WinRate,
    TimeToFirstDeal,
    TrainingCompletion,
    ProgramRoi,
    MdfRoi,
}

impl Kpi {
    /// Whether a fall is the good news: waiting less for approvals, winning a first deal sooner.
    pub fn lower_is_better(self) -> bool {
        matches!(self, Kpi::MedianApprovalTime | Kpi::TimeToFirstDeal)
    }
}

/// One dictionary entry: what the KPI is called, how it is computed, and which version of the formula.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MetricDefinition {
    pub kpi: Kpi,
    pub id: &'static str,
    pub name: &'static str,
    pub formula: &'static str,
    pub version: u32,
    /// Said when the KPI shows "n/a" because Tessera does not collect its data yet.
    pub pending: Option<&'static str>,
}

pub const DICTIONARY: [MetricDefinition; 14] = [
    MetricDefinition {
        kpi: Kpi::TotalRevenue,
        id: "total-revenue",
        name: "Total partner revenue",
        formula: "Sum of the final amounts of partner deals closed won in the period, converted to the reporting currency.",
        version: 1,
        pending: None,
    },
    MetricDefinition {
        kpi: Kpi::SourcedRevenue,
        id: "sourced-revenue",
        name: "Partner-sourced revenue",
        formula: "Total partner revenue of deals the partner found (attribution \"sourced\").",
        version: 1,
        pending: None,
    },
    MetricDefinition {
        kpi: Kpi::InfluencedRevenue,
        id: "influenced-revenue",
        name: "Partner-influenced revenue",
        formula: "Total partner revenue of deals the partner helped close (attribution \"influenced\").",
        version: 1,
        pending: None,
    },
    MetricDefinition {
        kpi: Kpi::ActivationRate,
        id: "activation-rate",
        name: "Activation rate",
        formula: "Partners who started in the period and closed (or registered, as the program is set) a first deal within N days of starting (default 90) ÷ partners who started in the period. A partner starts when it first accepts the partner agreement (partners in the program before onboarding: when they joined).",
        version: 2,
        pending: None,
    },
    MetricDefinition {
        kpi: Kpi::ActivePartnerShare,
        id: "active-partner-share",
        name: "Active partner share",
        formula: "Partners with a deal won in the 180 days up to the end of the period ÷ all partners who had joined by then.",
        version: 1,
        pending: None,
    },
    MetricDefinition {
        kpi: Kpi::RevenuePerPartner,
        id: "revenue-per-partner",
        name: "Average revenue per partner",
        formula: "Total partner revenue ÷ active partners.",
        version: 1,
        pending: None,
    },
    MetricDefinition {
        kpi: Kpi::RegistrationVolume,
        id: "registration-volume",
        name: "Deal registration volume",
        formula: "Deals submitted for approval in the period.",
        version: 1,
        pending: None,
    },
    MetricDefinition {
        kpi: Kpi::ApprovalRate,
        id: "approval-rate",
        name: "Deal approval rate",
        formula: "Deals approved in the period ÷ deals approved or rejected in the period.",
        version: 1,
        pending: None,
    },
    MetricDefinition {
        kpi: Kpi::MedianApprovalTime,
        id: "median-approval-time",
        name: "Median approval time",
        formula: "Median hours from submission to decision, over the decisions made in the period.",
        version: 1,
        pending: None,
    },
    MetricDefinition {
        kpi: Kpi::WinRate,
        id: "win-rate",
        name: "Deal-registration win rate",
        formula: "Registered deals won ÷ registered deals won or lost, among deals closed in the period.",
        version: 1,
        pending: None,
    },
    MetricDefinition {
        kpi: Kpi::TimeToFirstDeal,
        id: "time-to-first-deal",
        name: "Time to first deal",
        formula: "Median days from a partner's start (its first acceptance of the partner agreement; for partners in the program before onboarding, the day they joined) to its first won deal, over partners whose first win closed in the period.",
        version: 2,
        pending: None,
    },
    MetricDefinition {
        kpi: Kpi::TrainingCompletion,
        id: "training-completion",
        name: "Training completion",
        formula: "Partner people holding a valid certification at the end of the period ÷ partner people (active at the end of the period). An expired certification no longer counts.",
        version: 2,
        pending: None,
    },
    MetricDefinition {
        kpi: Kpi::ProgramRoi,
        id: "program-roi",
        name: "Program ROI",
        formula: "(Partner revenue × the program's gross margin − program cost) ÷ program cost, where program cost is every incentive ledger entry booked in the period (margins, deal-registration discounts, rebates, SPIFFs, approved MDF and co-op claims), net of reversals, in the reporting currency. The gross margin is an admin's program setting. n/a when nothing was spent.",
        version: 2,
        pending: None,
    },
    MetricDefinition {
        kpi: Kpi::MdfRoi,
        id: "mdf-roi",
        name: "MDF ROI",
        formula: "Revenue of deals won in the period from leads of a co-branded campaign that came in on or after the start of an MDF or co-op activity promoting it (with an approved claim) ÷ MDF and co-op claims approved in the period, in the reporting currency. n/a when no claim was approved.",
        version: 2,
        pending: None,
    },
];

/// A KPI's entry in the dictionary: every KPI has one, by this match (a new KPI does not
/// compile until it is given its entry).
pub fn definition(kpi: Kpi) -> &'static MetricDefinition {
    let entry = match kpi {
        Kpi::TotalRevenue => 0,
        Kpi::SourcedRevenue => 1,
        Kpi::InfluencedRevenue => 2,
        Kpi::ActivationRate => 3,
        Kpi::ActivePartnerShare => 4,
        Kpi::RevenuePerPartner => 5,
        Kpi::RegistrationVolume => 6,
        Kpi::ApprovalRate => 7,
        Kpi::MedianApprovalTime => 8,
        Kpi::WinRate => 9,
        Kpi::TimeToFirstDeal => 10,
        Kpi::TrainingCompletion => 11,
        Kpi::ProgramRoi => 12,
        Kpi::MdfRoi => 13,
    };
    &DICTIONARY[entry]
}

/// A KPI's value for the period's aggregates.
pub fn measure(kpi: Kpi, a: &PeriodAggregates) -> Measure {
    match kpi {
        Kpi::TotalRevenue => Measure::Money(a.won_revenue_minor()),
        Kpi::SourcedRevenue => Measure::Money(a.won_sourced_minor),
        Kpi::InfluencedRevenue => Measure::Money(a.won_influenced_minor),
        Kpi::ActivationRate => Measure::Share(Ratio::new(a.cohort_activated, a.cohort_joined)),
        Kpi::ActivePartnerShare => Measure::Share(Ratio::new(a.active_partners, a.partners)),
        Kpi::RevenuePerPartner => match a.active_partners {
            0 => Measure::Factor(None),
            active => Measure::Money(divide_rounded(a.won_revenue_minor(), active)),
        },
        Kpi::RegistrationVolume => Measure::Count(a.submitted_deals),
        Kpi::ApprovalRate => Measure::Share(Ratio::new(a.approved_deals, a.approved_deals + a.rejected_deals)),
        Kpi::MedianApprovalTime => Measure::Median(median(&a.approval_minutes).map(|minutes| minutes / 60.0)),
        Kpi::WinRate => Measure::Share(Ratio::new(a.won_deals, a.won_deals + a.lost_deals)),
        Kpi::TimeToFirstDeal => Measure::Median(median(&a.days_to_first_win)),
        Kpi::TrainingCompletion => match a.certification {
            Some((certified, required)) => Measure::Share(Ratio::new(certified, required)),
            None => Measure::Unavailable,
        },
        Kpi::ProgramRoi => match (a.program_cost_minor, a.gross_margin_basis_points) {
            (Some(cost), Some(margin)) => Measure::Factor(program_roi(a.won_revenue_minor(), margin, cost)),
            _ => Measure::Unavailable,
        },
        Kpi::MdfRoi => match a.mdf {
            Some((paid, revenue)) => Measure::Factor((paid > 0).then(|| revenue as f64 / paid as f64)),
            None => Measure::Unavailable,
        },
    }
}

/// `(revenue × margin − cost) ÷ cost`; `None` when nothing was spent.
pub fn program_roi(revenue_minor: i64, margin_basis_points: i64, cost_minor: i64) -> Option<f64> {
    if cost_minor <= 0 {
        return None;
    }
    let gross = crate::money::share(revenue_minor, margin_basis_points);
    Some((gross as i128 - cost_minor as i128) as f64 / cost_minor as f64)
}

/// Integer division rounded half away from zero, for money that must stay in whole minor units.
pub fn divide_rounded(numerator: i64, denominator: i64) -> i64 {
    if denominator == 0 {
        return 0;
    }
    let (n, d) = (numerator as i128, denominator as i128);
    let rounded = if (n < 0) == (d < 0) { (n + d / 2) / d } else { (n - d / 2) / d };
    rounded as i64
}

/// The change from the previous period, in per cent of the previous value; `None` when the
/// previous value was zero or either side is n/a.
pub fn change_percent(current: &Measure, previous: &Measure) -> Option<f64> {
    let (now, before) = match (current, previous) {
        (Measure::Money(a), Measure::Money(b)) | (Measure::Count(a), Measure::Count(b)) => (*a as f64, *b as f64),
        (Measure::Share(Some(a)), Measure::Share(Some(b))) => (a.value(), b.value()),
        (Measure::Median(Some(a)), Measure::Median(Some(b))) | (Measure::Factor(Some(a)), Measure::Factor(Some(b))) => {
            (*a, *b)
        }
        _ => return None,
    };
    (before != 0.0).then(|| (now - before) / before.abs() * 100.0)
}

#[cfg(test)]
mod tests;
