//! The deal registration pages: the list, the form, one deal, the approval queue and the
//! vendor pipeline. Each is a guarded page ([`crate::layout::guarded_page`]).

mod actions;
mod deal;
mod list;
mod pipeline;
mod queue;
mod register;

pub use deal::DealPage;
pub use list::DealsPage;
pub use pipeline::PipelinePage;
pub use queue::ApprovalQueuePage;
pub use register::NewDealPage;

use super::status::DealStatus;
use crate::ui::when;

/// The badge tone of a deal status, the same on every page.
fn status_tone(status: DealStatus) -> &'static str {
    match status {
        DealStatus::Approved | DealStatus::Won => "success",
        DealStatus::Rejected | DealStatus::Lost | DealStatus::Expired => "danger",
        DealStatus::Submitted => "warning",
        DealStatus::Draft => "neutral",
    }
}
