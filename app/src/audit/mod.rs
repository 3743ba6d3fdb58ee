//! The audit log: every change a person makes, who made it, when, from which address (and through
//! which API token), and, where the change says so, each field before and after. One writer
//! ([`record`], [`record_changes`]), which takes the transaction of the change itself, so a change
//! is never without its entry; the database refuses to change or remove an entry.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What a person did. Stored by [`AuditAction::as_str`]; the names never change once written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    SignedIn,
    Invited,
    ResentInvitation,
    RevokedInvitation,
    AcceptedInvitation,
    ChangedRole,
    Deactivated,
    Reactivated,
    ResetPassword,
    ImportedPipeline,
    ChangedProgramSettings,
    PublishedAgreement,
    AcceptedAgreement,
    MarkedOnboardingStep,
    NudgedPartner,
    ChangedOnboardingTemplate,
    SavedCourse,
    Certified,
    ChangedCompanyProfile,
    PublishedProgram,
    DecidedTierChange,
    ChangedProgramList,
    ChangedLogo,
    AssignedChannelManager,
    ChangedContent,
    ChangedCampaign,
    LaunchedCampaign,
    ClosedIncentivePeriod,
    ApprovedPayoutRun,
    PaidPayoutRun,
    ChangedRebateSchedule,
    ChangedSpiff,
    LaunchedSpiff,
    ChangedMdfBudget,
    AllocatedMdf,
    DecidedMdfRequest,
    DecidedMdfClaim,
    CreatedApiToken,
    RevokedApiToken,
    RegisteredDeal,
    MovedDeal,
    ChangedWebhook,
    SentWebhookAgain,
    ChangedLocatorListing,
    ImportedPartner,
    ChangedSingleSignOn,
}

impl AuditAction {
    pub const ALL: [AuditAction; 46] = [
        AuditAction::SignedIn,
        AuditAction::Invited,
        AuditAction::ResentInvitation,
        AuditAction::RevokedInvitation,
        AuditAction::ChangedRole,
        AuditAction::Deactivated,
        AuditAction::Reactivated,
        AuditAction::AcceptedInvitation,
        AuditAction::ResetPassword,
        AuditAction::ImportedPipeline,
        AuditAction::ChangedProgramSettings,
        AuditAction::PublishedAgreement,
        AuditAction::AcceptedAgreement,
        AuditAction::MarkedOnboardingStep,
        AuditAction::NudgedPartner,
        AuditAction::ChangedOnboardingTemplate,
        AuditAction::SavedCourse,
        AuditAction::Certified,
        AuditAction::ChangedCompanyProfile,
        AuditAction::PublishedProgram,
        AuditAction::DecidedTierChange,
        AuditAction::ChangedProgramList,
        AuditAction::ChangedLogo,
        AuditAction::AssignedChannelManager,
        AuditAction::ChangedContent,
        AuditAction::ChangedCampaign,
        AuditAction::LaunchedCampaign,
        AuditAction::ClosedIncentivePeriod,
        AuditAction::ApprovedPayoutRun,
        AuditAction::PaidPayoutRun,
        AuditAction::ChangedRebateSchedule,
        AuditAction::ChangedSpiff,
        AuditAction::LaunchedSpiff,
        AuditAction::ChangedMdfBudget,
        AuditAction::AllocatedMdf,
        AuditAction::DecidedMdfRequest,
        AuditAction::DecidedMdfClaim,
        AuditAction::CreatedApiToken,
        AuditAction::RevokedApiToken,
        AuditAction::RegisteredDeal,
        AuditAction::MovedDeal,
        AuditAction::ChangedWebhook,
        AuditAction::SentWebhookAgain,
        AuditAction::ChangedLocatorListing,
        AuditAction::ImportedPartner,
        AuditAction::ChangedSingleSignOn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::SignedIn => "signed_in",
            AuditAction::Invited => "invited",
            AuditAction::ResentInvitation => "invitation.resend",
            AuditAction::RevokedInvitation => "invitation.revoke",
            AuditAction::ChangedRole => "member.role",
            AuditAction::Deactivated => "member.deactivate",
            AuditAction::Reactivated => "member.reactivate",
            AuditAction::AcceptedInvitation => "accepted_invitation",
            AuditAction::ResetPassword => "reset_password",
            AuditAction::ImportedPipeline => "imported_pipeline",
            AuditAction::ChangedProgramSettings => "program_settings.update",
            AuditAction::PublishedAgreement => "agreement.publish",
            AuditAction::AcceptedAgreement => "agreement.accept",
            AuditAction::MarkedOnboardingStep => "onboarding.mark",
            AuditAction::NudgedPartner => "onboarding.nudge",
            AuditAction::ChangedOnboardingTemplate => "onboarding.template",
            AuditAction::SavedCourse => "training.course",
            AuditAction::Certified => "training.certify",
            AuditAction::ChangedCompanyProfile => "partner.profile",
            AuditAction::PublishedProgram => "program.publish",
            AuditAction::DecidedTierChange => "tier.decide",
            AuditAction::ChangedProgramList => "program.list",
            AuditAction::ChangedLogo => "partner.logo",
            AuditAction::AssignedChannelManager => "partner.manager",
            AuditAction::ChangedContent => "content.change",
            AuditAction::ChangedCampaign => "campaign.change",
            AuditAction::LaunchedCampaign => "campaign.launch",
            AuditAction::ClosedIncentivePeriod => "incentives.close_period",
            AuditAction::ApprovedPayoutRun => "payout.approve",
            AuditAction::PaidPayoutRun => "payout.paid",
            AuditAction::ChangedRebateSchedule => "rebate_schedule.change",
            AuditAction::ChangedSpiff => "spiff.change",
            AuditAction::LaunchedSpiff => "spiff.launch",
            AuditAction::ChangedMdfBudget => "mdf.budget",
            AuditAction::AllocatedMdf => "mdf.allocate",
            AuditAction::DecidedMdfRequest => "mdf.decide",
            AuditAction::DecidedMdfClaim => "mdf.claim",
            AuditAction::CreatedApiToken => "api_token.create",
            AuditAction::RevokedApiToken => "api_token.revoke",
            AuditAction::RegisteredDeal => "deal.register",
            AuditAction::MovedDeal => "deal.move",
            AuditAction::ChangedWebhook => "webhook.change",
            AuditAction::SentWebhookAgain => "webhook.send",
            AuditAction::ChangedLocatorListing => "locator.listing",
            AuditAction::ImportedPartner => "partner.import",
            AuditAction::ChangedSingleSignOn => "sso.change",
        }
    }

    pub fn parse(value: &str) -> Option<AuditAction> {
        AuditAction::ALL.into_iter().find(|action| action.as_str() == value)
    }

    /// How the administration page names it.
    pub fn label(self) -> &'static str {
        match self {
            AuditAction::SignedIn => "Signed in",
            AuditAction::Invited => "Invited someone",
            AuditAction::ResentInvitation => "Sent an invitation again",
            AuditAction::RevokedInvitation => "Withdrew an invitation",
            AuditAction::ChangedRole => "Changed someone's role",
            AuditAction::Deactivated => "Deactivated someone",
            AuditAction::Reactivated => "Reactivated someone",
            AuditAction::AcceptedInvitation => "Accepted an invitation",
            AuditAction::ResetPassword => "Reset their password",
            AuditAction::ImportedPipeline => "Imported the vendor pipeline",
            AuditAction::ChangedProgramSettings => "Changed the performance settings",
            AuditAction::PublishedAgreement => "Published a partner agreement version",
            AuditAction::AcceptedAgreement => "Accepted the partner agreement",
            AuditAction::MarkedOnboardingStep => "Marked an onboarding step",
            AuditAction::NudgedPartner => "Reminded a partner of its onboarding",
            AuditAction::ChangedOnboardingTemplate => "Changed an onboarding checklist",
            AuditAction::SavedCourse => "Saved a training course",
            AuditAction::Certified => "Passed a course and was certified",
            AuditAction::ChangedCompanyProfile => "Changed a company profile",
            AuditAction::PublishedProgram => "Published a tier configuration",
            AuditAction::DecidedTierChange => "Approved or declined a tier change",
            AuditAction::ChangedProgramList => "Changed the partner types or regions",
            AuditAction::ChangedLogo => "Changed a partner's logo",
            AuditAction::AssignedChannelManager => "Assigned a partner's channel manager",
            AuditAction::ChangedContent => "Added, changed or removed library content",
            AuditAction::ChangedCampaign => "Created, changed, published or closed a campaign",
            AuditAction::LaunchedCampaign => "Launched, personalised, paused or resumed a campaign's landing page",
            AuditAction::ClosedIncentivePeriod => "Closed a quarter of the incentive ledger",
            AuditAction::ApprovedPayoutRun => "Approved a payout run",
            AuditAction::PaidPayoutRun => "Marked a payout run paid",
            AuditAction::ChangedRebateSchedule => "Added or changed a volume rebate schedule",
            AuditAction::ChangedSpiff => "Created a SPIFF or ended one early",
            AuditAction::LaunchedSpiff => "Launched a SPIFF",
            AuditAction::ChangedMdfBudget => "Set a quarter's MDF budget",
            AuditAction::AllocatedMdf => "Allocated MDF to a partner",
            AuditAction::DecidedMdfRequest => "Pre-approved or rejected an MDF request",
            AuditAction::DecidedMdfClaim => "Approved or rejected an MDF claim",
            AuditAction::CreatedApiToken => "Created an API token",
            AuditAction::RevokedApiToken => "Revoked an API token",
            AuditAction::RegisteredDeal => "Registered a deal",
            AuditAction::MovedDeal => "Moved a deal in its workflow",
            AuditAction::ChangedWebhook => "Added, turned on or turned off a webhook endpoint",
            AuditAction::SentWebhookAgain => "Sent a webhook delivery again, or a test event",
            AuditAction::ChangedLocatorListing => "Listed or unlisted a partner in the public locator",
            AuditAction::ImportedPartner => "Imported a partner from a CSV file",
            AuditAction::ChangedSingleSignOn => "Set up, changed or removed a single sign-on connection",
        }
    }
}

impl TryFrom<String> for AuditAction {
    type Error = String;
    fn try_from(value: String) -> Result<AuditAction, String> {
        AuditAction::parse(&value).ok_or_else(|| format!("unknown audit action {value:?}"))
    }
}

/// One field a change changed: what it was and what it became.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub field: String,
    pub before: String,
    pub after: String,
}

impl Change {
    pub fn of(field: &str, before: impl ToString, after: impl ToString) -> Change {
        Change { field: field.to_owned(), before: before.to_string(), after: after.to_string() }
    }

    /// The fields of `changes` whose value changed.
    pub fn only_changed(changes: Vec<Change>) -> Vec<Change> {
        changes.into_iter().filter(|change| change.before != change.after).collect()
    }
}

/// The changes of an entry as stored (JSON), read back.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Changes(pub Vec<Change>);

impl TryFrom<Option<String>> for Changes {
    type Error = String;
    fn try_from(stored: Option<String>) -> Result<Changes, String> {
        match stored {
            None => Ok(Changes::default()),
            Some(json) => serde_json::from_str(&json).map(Changes).map_err(|error| error.to_string()),
        }
    }
}

/// One line of the audit log, as the administration pages list it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor: Option<String>,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "String"))]
    pub action: AuditAction,
    pub subject: String,
    /// The address the change came from (none for the server's own jobs and the command line).
    pub client: Option<String>,
    /// The API token it came through, by name.
    pub token: Option<String>,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "Option<String>"))]
    pub changes: Changes,
}

/// Put in a request's extensions by the REST API: the token the request came with, which the
/// audit log names beside the person it acts for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ViaToken(pub i64);

#[cfg(feature = "ssr")]
pub use self::store::{AuditFilter, STATEMENTS, entries, recent, record, record_changes};

#[cfg(feature = "ssr")]
pub mod store;

#[cfg(test)]
mod tests {
    use super::AuditAction;

    #[test]
    fn every_action_parses_back_from_its_stored_name() {
        for action in AuditAction::ALL {
            assert_eq!(AuditAction::parse(action.as_str()), Some(action));
        }
        assert_eq!(AuditAction::parse("deleted_everything"), None);
    }
}
