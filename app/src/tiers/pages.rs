//! Where a partner stands (`/tier` for its people, `/partners/{id}/tier` for vendor staff), and
//! the channel managers' queue of tier changes (`/tiers/approvals`). Both follow changes live.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::economics::EconomicsView;
use super::engine::Direction;
use super::form::percent_text;
use super::server::{
    APPROVE, DECLINE, DecideTierChange, EvaluateTiers, program_economics, tier_approvals, tier_standing,
};
use super::{HistoryEntry, ProgressView, ProposalView, StandingView, TierBenefits};
use crate::auth::Role;
use crate::auth::access::{OWN_TIER_ROLES, PARTNER_DIRECTORY_ROLES, TIER_DECISION_ROLES};
use crate::error::AppError;
use crate::layout::{guarded_page, public_page};
use crate::live::{LiveBadge, use_live};
use crate::money::Money;
use crate::ui::{Badge, FormError, Notice, ScrollTable, day_text, form_error, tier_tone};

/// A partner's own tier: its people's page.
#[component]
pub fn OwnTierPage() -> impl IntoView {
    let live = use_live();
    let evaluate = ServerAction::<EvaluateTiers>::new();
    guarded_page(
        OWN_TIER_ROLES,
        move || live.version.get(),
        |_| tier_standing(None),
        move |_, standing| view! { <Standing standing live evaluate/> },
    )
}

/// One partner's tier, for its channel manager, admins and marketing.
#[component]
pub fn PartnerTierPage() -> impl IntoView {
    let params = use_params_map();
    let live = use_live();
    let evaluate = ServerAction::<EvaluateTiers>::new();
    let id = move || params.read().get("id").and_then(|id| id.parse::<i64>().ok());
    guarded_page(
        PARTNER_DIRECTORY_ROLES,
        move || (id(), live.version.get(), evaluate.version().get()),
        |(id, _, _)| async move { tier_standing(Some(id.ok_or(AppError::NotFound)?)).await },
        move |_, standing| view! { <Standing standing live evaluate/> },
    )
}

#[component]
fn Standing(standing: StandingView, live: crate::live::Live, evaluate: ServerAction<EvaluateTiers>) -> impl IntoView {
    let StandingView {
        organisation_id,
        organisation_name,
        tier,
        tier_id,
        next,
        progress,
        distance,
        explanation,
        grace_until,
        to_keep,
        expiry_alert,
        pending,
        tiers,
        history,
        can_evaluate,
        ..
    } = standing;
    let tier_name = tier.clone().unwrap_or_else(|| "No tier yet".into());
    let heading = format!("{organisation_name}: tier");
    view! {
        {can_evaluate.then(|| view! {
            <p class="crumbs"><a href=format!("/partners/{organisation_id}")>{organisation_name.clone()}</a> " / Tier"</p>
        })}
        <div class="page-head"><h1>{heading}</h1><LiveBadge live/></div>
        <section class="card" aria-labelledby="tier-now">
            <h2 id="tier-now">"Current tier: " <Badge text=tier_name.clone() tone=tier_tone(&tier_name)/></h2>
            <p data-testid="tier-explanation">{explanation}</p>
            {distance.map(|distance| view! { <p class="lead" data-testid="tier-distance">{distance}</p> })}
            {grace_until.map(|until| view! {
                <Notice tone="warning" text=format!(
                    "Grace period: {tier_name} is kept until {} if {to_keep} is reached by then; otherwise the tier changes.",
                    day_text(until)
                )/>
            })}
            {expiry_alert.map(|alert| view! { <Notice tone="warning" text=alert/> })}
            {pending.map(|pending| view! { <Notice text=pending/> })}
            {can_evaluate.then(|| view! {
                <ActionForm action=evaluate>
                    <input type="hidden" name="organisation_id" value=organisation_id/>
                    <button type="submit" class="button secondary">"Evaluate now"</button>
                </ActionForm>
            })}
        </section>
        <section class="card" aria-labelledby="tier-progress">
            <h2 id="tier-progress">{match next {
                Some(next) => format!("Progress to {next}"),
                None => "Requirements".to_owned(),
            }}</h2>
            {progress.is_empty().then(|| view! { <p class="muted">"No tier asks for anything more."</p> })}
            <ul class="progress-list">
                {progress.into_iter().map(|progress| view! { <ProgressBar progress/> }).collect_view()}
            </ul>
        </section>
        <TierComparison tiers current=tier_id/>
        <p><a href="/program">"What a deal earns at each tier"</a></p>
        <History history/>
    }
}

#[component]
fn ProgressBar(progress: ProgressView) -> impl IntoView {
    let ProgressView { label, value, keep, next, percent, missing, short } = progress;
    let target = match (&next, &keep) {
        (Some(next), _) => format!("of {next}"),
        (None, Some(keep)) => format!("of {keep} to keep the tier"),
        (None, None) => String::new(),
    };
    view! {
        <li class="progress-item">
            <span class="progress-label">{label.clone()}</span>
            <progress max="100" value=percent aria-label=label></progress>
            <span>{value} " " {target}</span>
            {(!missing.is_empty()).then(|| view! { <span class="muted">" · " {missing} " to go"</span> })}
            {short.then(|| view! { " " <Badge text="Below the tier's requirement" tone="warning"/> })}
        </li>
    }
}

/// Every tier's requirements and benefits side by side, the partner's own marked.
#[component]
pub fn TierComparison(tiers: Vec<TierBenefits>, current: Option<i64>) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="tier-benefits">
            <h2 id="tier-benefits">"Tiers and their benefits"</h2>
            <ScrollTable label="Every tier's requirements and benefits">
                <table class="stacked">
                    <thead>
                        <tr>
                            <th scope="col">"Tier"</th><th scope="col">"Asks for"</th><th scope="col">"Margin"</th>
                            <th scope="col">"Deal registration"</th><th scope="col">"Co-op"</th><th scope="col">"Rebate"</th>
                            <th scope="col">"Support"</th><th scope="col">"Courses"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {tiers.into_iter().map(|tier| {
                            let own = current == Some(tier.id);
                            let asks = if tier.asks.is_empty() { "Nothing: every partner starts here".to_owned() } else { tier.asks.join(", ") };
                            let rebate = match tier.benefits.rebate_schedule.is_empty() {
                                true => percent_text(tier.benefits.rebate_bp),
                                false => format!("{} ({})", percent_text(tier.benefits.rebate_bp), tier.benefits.rebate_schedule),
                            };
                            view! {
                                <tr class:current-row=own>
                                    <th scope="row" data-label="Tier">{tier.name.clone()} {own.then(|| view! { " " <Badge text="Yours" tone="success"/> })}</th>
                                    <td data-label="Asks for">{asks}</td>
                                    <td data-label="Margin">{percent_text(tier.benefits.margin_bp)}</td>
                                    <td data-label="Deal registration">"+" {percent_text(tier.benefits.registration_bp)}</td>
                                    <td data-label="Co-op">{percent_text(tier.benefits.coop_bp)}</td>
                                    <td data-label="Rebate">{rebate}</td>
                                    <td data-label="Support">{tier.benefits.support.label()}</td>
                                    <td data-label="Courses">{match tier.courses.is_empty() {
                                        true => "—".to_owned(),
                                        false => format!("Unlocks {}", tier.courses.join(", ")),
                                    }}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </ScrollTable>
        </section>
    }
}

#[component]
fn History(history: Vec<HistoryEntry>) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="tier-history">
            <h2 id="tier-history">"Tier history"</h2>
            {history.is_empty().then(|| view! { <p class="muted">"No tier change yet."</p> })}
            {(!history.is_empty()).then(|| view! {
                <ScrollTable label="Tier changes, newest first">
                    <table class="stacked">
                        <thead>
                            <tr>
                                <th scope="col">"When"</th><th scope="col">"Change"</th><th scope="col">"Why"</th>
                                <th scope="col">"Decided by"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {history.into_iter().map(|entry| {
                                let change = match entry.from_tier.is_empty() {
                                    true => format!("{}: {}", entry.kind.label(), entry.to_tier),
                                    false => format!("{}: {} → {}", entry.kind.label(), entry.from_tier, entry.to_tier),
                                };
                                let decided = match (entry.decided_by, entry.reason.is_empty()) {
                                    (Some(by), true) => by,
                                    (Some(by), false) => format!("{by}: “{}”", entry.reason),
                                    (None, _) => "The program, by its rules".to_owned(),
                                };
                                view! {
                                    <tr>
                                        <td data-label="When">{day_text(entry.at)}</td>
                                        <td data-label="Change">{change}</td>
                                        <td data-label="Why">{entry.why}</td>
                                        <td data-label="Decided by">{decided}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </ScrollTable>
            })}
        </section>
    }
}

/// The tier changes waiting for the caller: each with the evaluation behind it, approved or
/// declined with a reason.
#[component]
pub fn TierApprovalsPage() -> impl IntoView {
    let live = use_live();
    let decide = ServerAction::<DecideTierChange>::new();
    guarded_page(
        TIER_DECISION_ROLES,
        move || (live.version.get(), decide.version().get()),
        |_| tier_approvals(),
        move |user, proposals| {
            let lead = match user.role {
                Role::Admin => {
                    "Every proposed change of tier, oldest first. Approving applies it at once; both answers enter the partner's tier history."
                }
                _ => {
                    "Your partners' proposed changes of tier, oldest first. Approving applies it at once; both answers enter the partner's tier history."
                }
            };
            let error = form_error(decide);
            view! {
                <p class="crumbs"><a href="/deals/queue">"Approvals"</a> " / Tier changes"</p>
                <div class="page-head"><h1>"Tier changes"</h1><LiveBadge live/></div>
                <p class="lead">{lead}</p>
                <FormError error/>
                {proposals.is_empty().then(|| view! { <p class="muted">"No tier change waits for a decision."</p> })}
                <div class="columns">
                    {proposals.into_iter().map(|proposal| view! { <ProposalCard proposal decide/> }).collect_view()}
                </div>
            }
        },
    )
}

#[component]
fn ProposalCard(proposal: ProposalView, decide: ServerAction<DecideTierChange>) -> impl IntoView {
    let (title_id, heading_id) = (format!("proposal-{}", proposal.id), format!("proposal-{}", proposal.id));
    let (badge, tone) = match proposal.direction {
        Direction::Promotion => ("Promotion", "success"),
        Direction::Demotion => ("Demotion", "warning"),
    };
    let from = if proposal.from_tier.is_empty() { "No tier".to_owned() } else { proposal.from_tier.clone() };
    view! {
        <section class="card" aria-labelledby=title_id>
            <h2 id=heading_id><a href=format!("/partners/{}/tier", proposal.organisation_id)>{proposal.organisation_name.clone()}</a></h2>
            <p><Badge text=badge tone/> " " {from} " → " <strong>{proposal.to_tier.clone()}</strong></p>
            <p>{proposal.explanation.clone()}</p>
            <p class="muted">"Proposed " {day_text(proposal.proposed_at)}</p>
            <ul class="progress-list">
                {proposal.progress.into_iter().map(|progress| view! { <ProgressBar progress/> }).collect_view()}
            </ul>
            <ActionForm action=decide attr:class="stack">
                <input type="hidden" name="id" value=proposal.id/>
                <div class="field">
                    <label for=format!("reason-{}", proposal.id)>"Reason"</label>
                    <p class="hint" id=format!("reason-{}-hint", proposal.id)>"Required to decline; the partner's history shows it."</p>
                    <input id=format!("reason-{}", proposal.id) name="reason" type="text" maxlength="500"
                        aria-describedby=format!("reason-{}-hint", proposal.id)/>
                </div>
                <div class="button-row">
                    <button type="submit" name="decision" value=APPROVE class="button primary">"Approve"</button>
                    <button type="submit" name="decision" value=DECLINE class="button secondary">"Decline"</button>
                </div>
            </ActionForm>
        </section>
    }
}

/// The program page anyone may open (when the admin makes it public): the tiers, what each asks
/// and gives, and what a deal earns at each. The amount is a plain query, so it works without
/// JavaScript.
#[component]
pub fn ProgramEconomicsPage() -> impl IntoView {
    let query = use_query_map();
    let amount = move || query.read().get("amount").filter(|amount| !amount.trim().is_empty());
    public_page(amount, program_economics, |view| view! { <Economics view/> })
}

#[component]
fn Economics(view: EconomicsView) -> impl IntoView {
    let EconomicsView { currency, amount_minor, earnings, tiers } = view;
    let money = move |minor: i64| Money { minor, currency }.display();
    let typed = super::program::Measure::Revenue.input_text(amount_minor, currency);
    view! {
        <h1>"The partner program"</h1>
        <p class="lead">"Every partner starts in the first tier and moves up as its won revenue, certified people and \
            deals grow. Each tier earns more on every deal."</p>
        <section class="card" aria-labelledby="economics-title">
            <h2 id="economics-title">{format!("What a {} deal earns", money(amount_minor))}</h2>
            <form method="get" action="/program" class="filters">
                <div class="field">
                    <label for="deal-amount">{format!("Deal amount ({})", currency.code())}</label>
                    <input id="deal-amount" name="amount" inputmode="decimal" value=typed/>
                </div>
                <button type="submit" class="button secondary">"Work it out"</button>
            </form>
            <ScrollTable label="Earnings at each tier">
                <table class="stacked" data-testid="earnings">
                    <thead>
                        <tr>
                            <th scope="col">"Tier"</th><th scope="col">"Margin"</th><th scope="col">"Deal registration"</th>
                            <th scope="col">"Rebate"</th><th scope="col">"In all"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {earnings.into_iter().map(|tier| {
                            let total = money(tier.total_minor());
                            view! {
                                <tr>
                                    <th scope="row" data-label="Tier">{tier.tier}</th>
                                    <td data-label="Margin">{money(tier.margin_minor)}</td>
                                    <td data-label="Deal registration">{money(tier.registration_minor)}</td>
                                    <td data-label="Rebate">{money(tier.rebate_minor)}</td>
                                    <td data-label="In all"><strong>{total}</strong></td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </ScrollTable>
        </section>
        <TierComparison tiers current=None/>
    }
}
