//! The deal registration server functions that read and register deals. Each checks the
//! caller's role, and reaches deals only through the reach rule (otherwise: not found). The
//! workflow commands are in [`super::commands`].

use chrono::NaiveDate;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::form::DealInput;
use super::{
    ApprovalQueue, ConflictCheck, DealDrill, DealList, DealSaved, DealView, PipelineImported, PipelineSummary,
};
use crate::error::AppError;

#[cfg(feature = "ssr")]
use {
    super::form::validate_deal,
    super::plan::{Actor, DealControls},
    super::status::DealStatus,
    super::store::{self, DealFilter, Narrowing},
    super::{DealRecord, DealSort, ListWorth, conflicts, domain, matching, schedule},
    crate::auth::access::{DEAL_MANAGER_ROLES, DEAL_PARTNER_ROLES, DEAL_ROLES},
    crate::auth::reach::Reach,
    crate::auth::{Role, SessionUser, guard},
    crate::db::Db,
    crate::db::keyset::{After, KeyOrder},
    crate::events::{DealOutcome, Event},
    crate::money::Currency,
    crate::state,
    chrono::Utc,
};

/// What the deal form needs from the server: a token that makes saving it idempotent, and today's date (UTC).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DealFormSetup {
    pub form_token: String,
    pub today: NaiveDate,
    /// The form's first values: from a lead, when registering one.
    pub prefill: DealInput,
    /// Where the prefilled values came from, as the form says it.
    pub source: Option<String>,
}

/// A new deal form; with `lead` (one of the caller's organisation's leads not yet registered),
/// filled from that lead.
#[server(endpoint = "deal_form")]
pub async fn deal_form(#[server(default)] lead: String) -> Result<DealFormSetup, AppError> {
    let user = guard::require_role(DEAL_PARTNER_ROLES)?;
    let mut prefill = DealInput { currency: "USD".into(), attribution: "sourced".into(), ..DealInput::default() };
    let mut source = None;
    if !lead.trim().is_empty() {
        let lead = own_lead(&state::db()?, &user, &lead).await?;
        if let Some(deal) = lead.deal_id {
            return Err(AppError::field("lead", format!("This lead is already registered, as deal #{deal}.")));
        }
        prefill.customer_company = lead.company.clone();
        prefill.customer_domain = domain::customer_domain_of_email(&lead.email).unwrap_or_default();
        prefill.contact_name = lead.name.clone();
        prefill.contact_email = lead.email.clone();
        let (came, from) = match &lead.campaign {
            Some(campaign) => (
                format!("From the landing page of the campaign \u{201c}{campaign}\u{201d}"),
                format!("campaign \u{201c}{campaign}\u{201d}"),
            ),
            None => ("From the partner locator's contact form".to_owned(), "the partner locator".to_owned()),
        };
        prefill.notes = format!(
            "{came}, {}.{}",
            lead.received_at.format("%Y-%m-%d"),
            if lead.phone.is_empty() { String::new() } else { format!(" Phone: {}.", lead.phone) }
        );
        prefill.lead = lead.id.to_string();
        source = Some(format!("Filled from the lead {} of {} ({from}).", lead.name, lead.company));
    }
    Ok(DealFormSetup {
        form_token: crate::auth::secrets::new_token()?,
        today: Utc::now().date_naive(),
        prefill,
        source,
    })
}

/// The caller's organisation's lead `id`; "not found" for anyone else's.
#[cfg(feature = "ssr")]
async fn own_lead(db: &Db, user: &SessionUser, id: &str) -> Result<store::LeadSource, AppError> {
    let id = id.trim().parse::<i64>().map_err(|_| AppError::NotFound)?;
    let lead = store::lead(db, id).await?.ok_or(AppError::NotFound)?;
    match lead.organisation_id == user.organisation_id {
        true => Ok(lead),
        false => Err(AppError::NotFound),
    }
}

#[cfg(feature = "ssr")]
const PER_PAGE: i64 = 25;

/// What a deals list shows: a status, a search, an order, a page and a drill-down, as the query has them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DealQuery {
    pub status: Option<String>,
    pub q: Option<String>,
    pub sort: Option<String>,
    pub page: Option<String>,
    #[serde(flatten)]
    pub drill: DealDrill,
}

#[cfg(feature = "ssr")]
impl DealQuery {
    /// The checked filter, each bad value named.
    pub fn filter(&self, per_page: i64) -> Result<DealFilter, AppError> {
        let narrowing = Narrowing::parse(&self.drill).map_err(AppError::invalid)?;
        let page = match self.page.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
            None => 1,
            Some(raw) => raw.parse::<i64>().map_err(|_| AppError::field("page", "Choose a page number."))?,
        };
        Ok(DealFilter {
            narrowing,
            status: self.status.as_deref().and_then(DealStatus::parse),
            search: self.q.clone(),
            sort: DealSort::parse(self.sort.as_deref().unwrap_or_default()),
            page: page.clamp(1, 100_000),
            per_page,
        })
    }
}

/// The deals within the caller's reach (a partner's own, a channel manager's partners', or all
/// for an admin), filtered, searched, sorted and paged on the server.
#[server(endpoint = "list_deals")]
pub async fn list_deals(#[server(flatten)] query: DealQuery) -> Result<DealList, AppError> {
    let user = guard::require_role(DEAL_ROLES)?;
    let db = state::db()?;
    let filter = query.filter(PER_PAGE)?;
    let reach = Reach::of(&user);
    let (rows, total) = store::list(&db, reach, &filter).await?;
    let worth = match filter.narrowing.is_dated() {
        true => Some(list_worth(&db, reach, &filter).await?),
        false => None,
    };
    Ok(DealList {
        rows,
        total,
        page: filter.page,
        per_page: filter.per_page,
        worth,
        can_export: DEAL_MANAGER_ROLES.contains(&user.role),
        can_register: DEAL_PARTNER_ROLES.contains(&user.role),
    })
}

/// At most `limit` deals within the caller's reach in `order` after `after`, filtered as the list
/// is: the REST API's list, read the way the page reads its own.
#[cfg(feature = "ssr")]
pub async fn deals_after(
    query: &DealQuery,
    keyset: (KeyOrder, Option<After>),
    limit: i64,
) -> Result<Vec<store::KeyedDeal>, AppError> {
    let user = guard::require_role(DEAL_ROLES)?;
    if let Some(status) = query.status.as_deref().filter(|status| DealStatus::parse(status).is_none()) {
        return Err(AppError::field("status", format!("\u{201c}{status}\u{201d} is not a deal status.")));
    }
    let filter = query.filter(limit)?;
    Ok(store::page_after(&state::db()?, Reach::of(&user), &filter, keyset, limit).await?)
}

/// The matching deals' worth in the reporting currency, converted deal by deal as the figures
/// are, so that a drill-down's total is the figure it came from.
#[cfg(feature = "ssr")]
async fn list_worth(db: &Db, reach: Reach, filter: &DealFilter) -> Result<ListWorth, AppError> {
    let conversion = crate::money::store::conversion(db).await?;
    let reporting = Currency::parse(conversion.reporting()).unwrap_or(Currency::USD);
    let mut worth = ListWorth { minor: 0, currency: reporting.code().into(), converted: false };
    for (currency, sum, deals) in store::worth(db, reach, filter, reporting).await? {
        if currency == worth.currency {
            worth.minor += sum;
        } else {
            worth.converted = true;
            worth.minor += conversion.convert(sum / deals.max(1), &currency) * deals;
        }
    }
    Ok(worth)
}

/// The conflict check as the partner types: is this customer already registered by another
/// partner or in the vendor's pipeline? Partners learn only that there may be a conflict.
#[server(endpoint = "deal_check")]
pub async fn deal_check(customer_company: String, customer_domain: String) -> Result<ConflictCheck, AppError> {
    let user = guard::require_role(DEAL_ROLES)?;
    let db = state::db()?;
    let domain = domain::normalise_domain(&customer_domain).ok();
    let company: String = customer_company.chars().take(200).collect();
    let found = conflicts::find(&db, &company, domain.as_deref(), user.organisation_id).await?;
    let possible_conflict = !found.is_empty();
    let matches =
        if user.role.is_vendor_staff() { conflicts::as_seen_with(Reach::of(&user), found) } else { Vec::new() };
    Ok(ConflictCheck { domain, possible_conflict, matches })
}

/// Save as a draft or submit for approval.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SaveIntent {
    Draft,
    Submit,
}

impl SaveIntent {
    /// "draft" saves a draft; the form's main button (and anything else) submits.
    pub fn parse(raw: &str) -> SaveIntent {
        if raw == "draft" { SaveIntent::Draft } else { SaveIntent::Submit }
    }
}

/// Saves the deal form as a draft (`intent` "draft") or submitted for approval ("submit").
/// The same `form_token` twice creates one deal.
#[server(endpoint = "save_deal")]
pub async fn save_deal(
    form_token: String,
    intent: String,
    #[server(flatten)] input: DealInput,
) -> Result<DealSaved, AppError> {
    let user = guard::require_role(DEAL_PARTNER_ROLES)?;
    let state = state::server_state()?;
    let now = Utc::now();
    let token = form_token.trim();
    if token.len() < 16 || token.len() > 128 {
        return Err(AppError::field("form", "This form has expired. Reload the page and try again."));
    }
    let intent = SaveIntent::parse(&intent);
    let valid =
        validate_deal(&input, now.date_naive()).map_err(|fields| AppError::invalid_keeping(fields, input.typed()))?;
    let registrable = domain::normalise_domain(&input.customer_domain)
        .map_err(|error| AppError::field("customer_domain", error.to_string()))?;
    let status = if intent == SaveIntent::Draft { DealStatus::Draft } else { DealStatus::Submitted };
    let conflicts =
        conflicts::find(&state.db, &valid.customer_company, Some(&registrable), user.organisation_id).await?;
    let company_key = matching::normalise_company_name(&valid.customer_company);
    let products = valid.products.join(", ");
    let lead = match input.lead.trim() {
        "" => None,
        lead => Some(own_lead(&state.db, &user, lead).await?.id),
    };
    let deal = store::NewDeal {
        organisation_id: user.organisation_id,
        created_by: user.user_id,
        form_token: token,
        status,
        customer_company: &valid.customer_company,
        name_prefix: &matching::name_prefix(&company_key),
        company_key: &company_key,
        customer_domain: &registrable,
        contact_name: &valid.contact_name,
        contact_email: valid.contact_email.as_str(),
        amount_minor: valid.amount.minor,
        currency: valid.amount.currency.code(),
        expected_close_date: valid.expected_close_date,
        products: &products,
        attribution: valid.attribution,
        notes: &valid.notes,
        possible_conflict: !conflicts.is_empty(),
        lead_id: lead,
        now,
        sla_due_at: (status == DealStatus::Submitted).then(|| schedule::sla_due(now)),
        public_url: &state.settings.public_url,
    };
    let saved = store::insert(&state.db, &deal).await?.ok_or_else(|| {
        AppError::field("form", "This form was already used by someone else. Reload the page and try again.")
    })?;
    if saved.created && saved.status == DealStatus::Submitted {
        state.events.publish(Event::Deal {
            deal_id: saved.id,
            organisation_id: user.organisation_id,
            outcome: DealOutcome::Submitted,
            amount_minor: valid.amount.minor,
            currency: valid.amount.currency.code().into(),
            at: now,
        });
    }
    guard::redirect_form_post(&format!("/deals/{}", saved.id));
    Ok(DealSaved { id: saved.id, status: saved.status, possible_conflict: saved.possible_conflict })
}

/// The deal `id` if it belongs to an organisation within the caller's reach; "not found"
/// otherwise, whether or not it exists.
#[cfg(feature = "ssr")]
pub async fn reachable_deal(db: &Db, user: &SessionUser, id: i64) -> Result<DealRecord, AppError> {
    let deal = store::record(db, id).await?.ok_or(AppError::NotFound)?;
    guard::reachable_organisation(db, user, deal.organisation_id).await?;
    Ok(deal)
}

/// One deal with its timeline; vendor staff also see what it may conflict with.
#[server(endpoint = "deal_detail")]
pub async fn deal_detail(id: i64) -> Result<DealView, AppError> {
    let user = guard::require_role(DEAL_ROLES)?;
    let db = state::db()?;
    let deal = reachable_deal(&db, &user, id).await?;
    let conflicts = if user.role.is_vendor_staff() && deal.status.is_open() {
        let found =
            conflicts::find(&db, &deal.customer_company, Some(&deal.customer_domain), deal.organisation_id).await?;
        conflicts::as_seen_with(Reach::of(&user), found)
    } else {
        Vec::new()
    };
    let now = Utc::now();
    let actor = Actor::Person { user_id: user.user_id, role: user.role };
    let next_in_queue = if DEAL_MANAGER_ROLES.contains(&user.role) {
        store::queue(&db, Reach::of(&user)).await?.into_iter().map(|row| row.id).find(|other| *other != id)
    } else {
        None
    };
    Ok(DealView {
        timeline: store::timeline(&db, id).await?,
        earnings: crate::incentives::store::of_deal(&db, id).await?,
        controls: DealControls::for_actor(&deal.state(), actor, now),
        conflicts,
        next_in_queue,
        deal,
        now,
    })
}

/// Submitted deals waiting for a decision within the caller's reach, the earliest due first.
#[server(endpoint = "deal_queue")]
pub async fn deal_queue() -> Result<ApprovalQueue, AppError> {
    let user = guard::require_role(DEAL_MANAGER_ROLES)?;
    let db = state::db()?;
    Ok(ApprovalQueue { rows: store::queue(&db, Reach::of(&user)).await?, now: Utc::now() })
}

/// How many deals wait for the caller's decision, for the navigation; nothing for people who
/// do not decide deals.
#[server(endpoint = "approvals_waiting")]
pub async fn approvals_waiting() -> Result<Option<i64>, AppError> {
    let user = guard::signed_in()?;
    if !DEAL_MANAGER_ROLES.contains(&user.role) {
        return Ok(None);
    }
    Ok(Some(store::waiting(&state::db()?, Reach::of(&user)).await?))
}

/// Replaces or adds vendor pipeline opportunities from CSV; a file with any bad row imports nothing.
#[server(endpoint = "import_pipeline")]
pub async fn import_pipeline(csv: String) -> Result<PipelineImported, AppError> {
    let user = guard::require_role(&[Role::Admin])?;
    let db = state::db()?;
    let rows = super::pipeline::parse(&csv).map_err(|errors| AppError::field("csv", errors.join("\n")))?;
    let count = rows.len();
    store::pipeline::import(&db, &rows, user.user_id, Utc::now()).await?;
    Ok(PipelineImported { rows: count })
}

#[server(endpoint = "pipeline_status")]
pub async fn pipeline_status() -> Result<PipelineSummary, AppError> {
    guard::require_role(&[Role::Admin])?;
    let db = state::db()?;
    Ok(store::pipeline::summary(&db).await?)
}
