//! The partner's onboarding checklist (its own page, and on its profile for its channel manager)
//! and the channel managers' onboarding board.

use leptos::prelude::*;

use super::server::{Board, ChecklistView, MarkStep, NudgePartner, onboarding_board, onboarding_checklist};
use super::{BoardRow, ChecklistItem, StepCommand, StepKind, StepState, clock_text, stuck_rule};
use crate::auth::access::{ONBOARDING_BOARD_ROLES, OWN_ONBOARDING_ROLES};
use crate::layout::guarded_page;
use crate::live::{LiveBadge, use_live};
use crate::ui::day_text as day;
use crate::ui::{Badge, FormError, Notice, ScrollTable, form_error};

#[component]
pub fn OnboardingPage() -> impl IntoView {
    let mark = ServerAction::<MarkStep>::new();
    let live = use_live();
    let source = move || (mark.version().get(), live.version.get());
    guarded_page(
        OWN_ONBOARDING_ROLES,
        source,
        |_| onboarding_checklist(None),
        move |_, view| {
            view! {
                <div class="page-head"><h1>"Onboarding"</h1><LiveBadge live/></div>
                <ChecklistCard view mark/>
            }
        },
    )
}

fn state_tone(state: StepState) -> &'static str {
    match state {
        StepState::Pending => "neutral",
        StepState::Waiting => "warning",
        StepState::Done => "success",
        StepState::Skipped => "neutral",
    }
}

/// An organisation's checklist: progress, the clock, and each step with what the viewer may do.
#[component]
pub fn ChecklistCard(view: ChecklistView, mark: ServerAction<MarkStep>) -> impl IntoView {
    let error = form_error(mark);
    let checklist = view.checklist;
    let (resolved, total) = (checklist.resolved(), checklist.items.len());
    let summary = format!("{resolved} of {total} steps done · {}", clock_text(view.day));
    let firsts = [("First deal registered", checklist.first_registered), ("First deal won", checklist.first_won)]
        .into_iter()
        .filter_map(|(what, at)| {
            let at = at?;
            let after = checklist
                .started
                .map(|started| format!(", {} days after the agreement", (at - started).num_days().max(0)));
            Some(format!("{what} on {}{}", day(at), after.unwrap_or_default()))
        })
        .collect::<Vec<_>>();
    let complete = checklist.complete();
    let organisation_id = view.organisation_id;
    let (partner, can_manage) = (view.partner, view.can_manage);
    view! {
        <section class="card onboarding" aria-labelledby="checklist-title">
            <h2 id="checklist-title">{format!("{}: onboarding checklist", view.organisation_name)}</h2>
            {(!view.onboarding).then(|| view! {
                <p class="muted">"In the program since before onboarding checklists: nothing here is asked of this partner."</p>
            })}
            {complete.then(|| view! { <Notice text="Onboarding complete: every step is done." tone="success"/> })}
            <p class="checklist-progress">
                <progress max=total.to_string() value=resolved.to_string() aria-label="Onboarding progress"></progress>
                " " <span data-testid="checklist-summary">{summary}</span>
            </p>
            {firsts.into_iter().map(|first| view! { <p class="muted small">{first}</p> }).collect_view()}
            <FormError error/>
            <ol class="checklist">
                {checklist.items.into_iter().map(|item| view! {
                    <ChecklistStep item organisation_id partner can_manage mark/>
                }).collect_view()}
            </ol>
        </section>
    }
}

#[component]
fn ChecklistStep(
    item: ChecklistItem,
    organisation_id: i64,
    partner: bool,
    can_manage: bool,
    mark: ServerAction<MarkStep>,
) -> impl IntoView {
    let step = item.step;
    let button = move |command: &'static str, label: String, class: &'static str| {
        view! {
            <ActionForm action=mark attr:class="inline-form">
                <input type="hidden" name="organisation_id" value=organisation_id.to_string()/>
                <input type="hidden" name="step_id" value=step.id.to_string()/>
                <input type="hidden" name="command" value=command/>
                <button type="submit" class=class>{label}</button>
            </ActionForm>
        }
    };
    let mut actions = Vec::new();
    if partner && item.state == StepState::Pending && matches!(step.kind, StepKind::Manual { .. }) {
        actions.push(button(
            StepCommand::Tick.as_str(),
            format!("Mark \u{201c}{}\u{201d} done", step.title),
            "button primary",
        ));
    }
    if can_manage && item.state == StepState::Waiting {
        actions.push(button(
            StepCommand::Confirm.as_str(),
            format!("Confirm \u{201c}{}\u{201d}", step.title),
            "button primary",
        ));
    }
    if can_manage && matches!(item.state, StepState::Pending | StepState::Waiting) {
        actions.push(button(
            StepCommand::Skip.as_str(),
            format!("Skip \u{201c}{}\u{201d}", step.title),
            "button secondary",
        ));
    }
    let how = match (step.kind, item.state) {
        (StepKind::Automatic { milestone }, StepState::Pending) => Some(milestone.describe()),
        (StepKind::Manual { confirm: true }, StepState::Pending) => {
            Some("Your channel manager confirms it once ticked.")
        }
        _ => None,
    };
    let when = item.at.map(|at| format!(" on {}", day(at))).unwrap_or_default();
    view! {
        <li class=format!("checklist-step step-{}", item.state.as_str())>
            <p class="step-head">
                <strong>{step.title.clone()}</strong> " "
                <Badge text=format!("{}{when}", item.state.label()) tone=state_tone(item.state)/>
            </p>
            {(!step.description.is_empty()).then(|| view! { <p class="muted">{step.description.clone()}</p> })}
            {how.map(|how| view! { <p class="hint">{how}</p> })}
            {step.href.clone().filter(|_| item.state == StepState::Pending).map(|href| view! {
                <p><a href=href>"Go there"<span class="visually-hidden">{format!(": {}", step.title)}</span></a></p>
            })}
            {(!actions.is_empty()).then(|| view! { <div class="row-actions">{actions}</div> })}
        </li>
    }
}

#[component]
pub fn OnboardingBoardPage() -> impl IntoView {
    let nudge = ServerAction::<NudgePartner>::new();
    let live = use_live();
    let source = move || (nudge.version().get(), live.version.get());
    guarded_page(
        ONBOARDING_BOARD_ROLES,
        source,
        |_| onboarding_board(),
        move |_, board| {
            view! { <BoardView board nudge live/> }
        },
    )
}

#[component]
fn BoardView(board: Board, nudge: ServerAction<NudgePartner>, live: crate::live::Live) -> impl IntoView {
    let error = form_error(nudge);
    let stuck = board.rows.iter().filter(|row| row.stuck.is_some()).count();
    let lead = format!("{} partners onboarding, {stuck} stuck ({}).", board.rows.len(), stuck_rule());
    view! {
        <div class="page-head"><h1>"Onboarding"</h1><LiveBadge live/></div>
        <p class="lead">{lead}</p>
        <FormError error/>
        {move || matches!(nudge.value().get(), Some(Ok(()))).then(|| view! { <Notice text="Reminder sent." tone="success"/> })}
        {match board.rows.is_empty() {
            true => view! { <p class="muted">"Every partner in your reach has finished onboarding."</p> }.into_any(),
            false => view! {
                <ScrollTable label="Partners onboarding">
                    <table class="stacked">
                        <thead>
                            <tr>
                                <th scope="col">"Partner"</th><th scope="col">"Done"</th><th scope="col">"Clock"</th>
                                <th scope="col">"Next step"</th><th scope="col">"Status"</th><th scope="col">"Remind"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {board.rows.into_iter().map(|row| view! { <BoardLine row nudge/> }).collect_view()}
                        </tbody>
                    </table>
                </ScrollTable>
            }.into_any(),
        }}
    }
}

#[component]
fn BoardLine(row: BoardRow, nudge: ServerAction<NudgePartner>) -> impl IntoView {
    let status = match row.stuck.map(|stuck| stuck.text()) {
        Some(why) => {
            view! { <Badge text="Stuck" tone="danger" title=Some(why.clone())/> " " <span class="small">{why}</span> }
                .into_any()
        }
        None => view! { <Badge text="On track" tone="success"/> }.into_any(),
    };
    let nudged = row.last_nudged.map(|at| format!("Last reminded {}", day(at)));
    let remind = format!("Remind {}", row.name);
    view! {
        <tr class:stuck=row.stuck.is_some() data-partner=row.name.clone()>
            <td><a href=format!("/partners/{}", row.organisation_id)>{row.name.clone()}</a></td>
            <td class="numeric">{format!("{} %", row.percent)}</td>
            <td>{row.day.map(|day| clock_text(Some(day))).unwrap_or_else(|| "Agreement not accepted yet".into())}</td>
            <td>{row.next.clone().unwrap_or_else(|| "Waiting for confirmation".into())}</td>
            <td>{status}</td>
            <td>
                <ActionForm action=nudge attr:class="inline-form">
                    <input type="hidden" name="organisation_id" value=row.organisation_id.to_string()/>
                    <button type="submit" class="button secondary">{remind}</button>
                </ActionForm>
                {nudged.map(|text| view! { <p class="muted small">{text}</p> })}
            </td>
        </tr>
    }
}
