//! The earnings statement (`/earnings`, [`earnings`]) and the vendor's incentives page
//! (`/incentives`, [`owed`]): what is owed, the quarters to close with a preview first, the
//! payout runs and the rebate schedules.

mod earnings;
mod owed;
mod spiffs;

pub use self::earnings::{EarningsPage, EntryTable};
pub use self::owed::IncentivesPage;
pub use self::spiffs::SpiffsPage;

use leptos::prelude::*;

use super::Tally;
use super::ledger::EntryStatus;
use crate::money::amount_text;

pub(super) fn status_tone(status: EntryStatus) -> &'static str {
    match status {
        EntryStatus::Accrued => "neutral",
        EntryStatus::Approved => "warning",
        EntryStatus::Paid => "success",
    }
}

/// The cells of a tally: accrued, approved, paid and the total.
#[component]
pub(super) fn TallyCells(tally: Tally, currency: String) -> impl IntoView {
    let cell = |minor: i64| view! { <td class="numeric">{amount_text(minor, &currency)}</td> };
    view! { {cell(tally.accrued)} {cell(tally.approved)} {cell(tally.paid)} {cell(tally.total())} }
}

pub(super) fn tally_head() -> impl IntoView {
    view! {
        <th scope="col" class="numeric">"Accrued"</th>
        <th scope="col" class="numeric">"Approved"</th>
        <th scope="col" class="numeric">"Paid"</th>
        <th scope="col" class="numeric">"Total"</th>
    }
}
