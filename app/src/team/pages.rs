use leptos::prelude::*;

use super::server::{ChangeMember, Invite, ResendInvitation, WithdrawInvitation, team};
use super::{PendingInvitation, TeamMember};
use crate::auth::Role;
use crate::layout::guarded_page;
use crate::ui::{Badge, Field, FormError, ScrollTable, form_error};

/// What can be done to the invitations on the page; each reloads the team when it lands.
#[derive(Clone, Copy)]
struct InvitationActions {
    invite: ServerAction<Invite>,
    resend: ServerAction<ResendInvitation>,
    withdraw: ServerAction<WithdrawInvitation>,
    change: ServerAction<ChangeMember>,
}

#[component]
pub fn TeamPage() -> impl IntoView {
    let actions = InvitationActions {
        invite: ServerAction::new(),
        resend: ServerAction::new(),
        withdraw: ServerAction::new(),
        change: ServerAction::new(),
    };
    let source = move || {
        let versions = [actions.invite.version(), actions.resend.version(), actions.withdraw.version()];
        (versions.map(|version| version.get()), actions.change.version().get())
    };
    guarded_page(
        &Role::ALL,
        source,
        |_| team(None),
        move |user, team| {
            let tokens = crate::auth::access::API_TOKEN_ROLES.contains(&user.role);
            view! {
                <TeamView actions team/>
                {tokens.then(|| view! {
                    <p class="home-actions">"Connect your CRM or other systems: "
                        <a class="button secondary" href="/api-tokens">"API tokens"</a></p>
                })}
            }
        },
    )
}

#[component]
fn TeamView(actions: InvitationActions, team: super::TeamView) -> impl IntoView {
    let invite = actions.invite;
    view! {
        <h1>{format!("{} team", team.organisation_name)}</h1>
        <div class="columns">
            <section class="card" aria-labelledby="members-title">
                <h2 id="members-title">"People"</h2>
                <MemberTable members=team.members.clone() manage=(!team.invitable.is_empty()).then(|| Management {
                    action: actions.change,
                    roles: team.invitable.clone(),
                    viewer_id: team.viewer_id,
                })/>
            </section>
            {(!team.invitable.is_empty()).then(|| view! {
                <section class="card" aria-labelledby="invite-title">
                    <h2 id="invite-title">"Invite someone"</h2>
                    <InviteForm action=invite organisation_id=None roles=team.invitable.clone()/>
                    <PendingList actions pending=team.pending.clone()/>
                </section>
            })}
        </div>
    }
}

/// What a manager of the team may do to its people: give them one of `roles`, deactivate or
/// reactivate them; never to themselves.
#[derive(Clone)]
pub struct Management {
    pub action: ServerAction<ChangeMember>,
    pub roles: Vec<Role>,
    pub viewer_id: i64,
}

#[component]
pub fn MemberTable(members: Vec<TeamMember>, #[prop(default = None)] manage: Option<Management>) -> impl IntoView {
    let error = manage.as_ref().map(|manage| form_error(manage.action));
    let managing = manage.is_some();
    view! {
        {error.map(|error| view! { <FormError error/> })}
        <ScrollTable label="People">
            <table class="stacked">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th><th scope="col">"Email"</th><th scope="col">"Role"</th>
                        {managing.then(|| view! { <th scope="col">"Change"</th> })}
                    </tr>
                </thead>
                <tbody>
                    {members.into_iter().map(|member| {
                        let controls = manage.clone().map(|manage| view! { <td><MemberControls member=member.clone() manage/></td> });
                        view! {
                            <tr class:muted=!member.active>
                                <td>{member.name}</td>
                                <td class="break">{member.email}</td>
                                <td>
                                    <Badge text=member.role.label()/>
                                    {(!member.active).then(|| view! { " " <Badge text="Deactivated" tone="danger"/> })}
                                </td>
                                {controls}
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </ScrollTable>
    }
}

/// One person's change: another role, or deactivating (or reactivating) their account.
#[component]
fn MemberControls(member: TeamMember, manage: Management) -> impl IntoView {
    if member.id == manage.viewer_id {
        return view! { <span class="muted small">"You"</span> }.into_any();
    }
    let mut choices: Vec<(String, String)> = manage
        .roles
        .iter()
        .filter(|role| **role != member.role && member.active)
        .map(|role| (role.as_str().to_owned(), format!("Make {}", role.label())))
        .collect();
    choices.push(match member.active {
        true => ("deactivate".to_owned(), "Deactivate".to_owned()),
        false => ("reactivate".to_owned(), "Reactivate".to_owned()),
    });
    let label = format!("Change for {}", member.name);
    view! {
        <ActionForm action=manage.action attr:class="row-actions">
            <input type="hidden" name="id" value=member.id.to_string()/>
            <select name="change" aria-label=label>
                {choices.into_iter().map(|(value, text)| view! { <option value=value>{text}</option> }).collect_view()}
            </select>
            <button type="submit" class="button secondary small">"Apply"</button>
        </ActionForm>
    }
    .into_any()
}

/// Invitations waiting to be accepted, each with "Send again" (a new link, a new expiry) and
/// "Withdraw" (the link stops working).
#[component]
fn PendingList(actions: InvitationActions, pending: Vec<PendingInvitation>) -> impl IntoView {
    let resend_error = form_error(actions.resend);
    let withdraw_error = form_error(actions.withdraw);
    let sent = move || match actions.resend.value().get() {
        Some(Ok(sent)) => Some(view! {
            <div class="notice notice-success" role="status">"Invitation sent again to " {sent.email} "."</div>
        }),
        _ => None,
    };
    (!pending.is_empty()).then(|| {
        view! {
            <h3>"Waiting to accept"</h3>
            {sent}
            <FormError error=resend_error/>
            <FormError error=withdraw_error/>
            <ul class="plain-list invitations" data-testid="pending-invitations">
                {pending.into_iter().map(|invitation| {
                    let (resend_id, withdraw_id) = (invitation.id.to_string(), invitation.id.to_string());
                    let resend_label = format!("Send again the invitation to {}", invitation.email);
                    let withdraw_label = format!("Withdraw the invitation to {}", invitation.email);
                    view! {
                        <li>
                            <span class="break">{invitation.email.clone()}</span> " · " {invitation.role.label()} " · expires "
                            {invitation.expires_at.format("%Y-%m-%d").to_string()}
                            <span class="row-actions">
                                <ActionForm action=actions.resend>
                                    <input type="hidden" name="id" value=resend_id/>
                                    <button type="submit" class="button secondary small" aria-label=resend_label>"Send again"</button>
                                </ActionForm>
                                <ActionForm action=actions.withdraw>
                                    <input type="hidden" name="id" value=withdraw_id/>
                                    <button type="submit" class="button secondary small" aria-label=withdraw_label>"Withdraw"</button>
                                </ActionForm>
                            </span>
                        </li>
                    }
                }).collect_view()}
            </ul>
        }
    })
}

/// Invites a person by email with one of `roles`. The link goes only to the invitee.
#[component]
pub fn InviteForm(action: ServerAction<Invite>, organisation_id: Option<i64>, roles: Vec<Role>) -> impl IntoView {
    let error = form_error(action);
    let roles: Vec<(String, String)> =
        roles.into_iter().map(|role| (role.as_str().to_owned(), role.label().to_owned())).collect();
    view! {
        {move || match action.value().get() {
            Some(Ok(sent)) => Some(view! {
                <div class="notice notice-success" role="status">
                    "Invitation sent to " {sent.email.clone()} ". The link in it works for "
                    {crate::mail::INVITATION_DAYS} " days."
                </div>
            }),
            _ => None,
        }}
        <FormError error/>
        <ActionForm action=action attr:novalidate=true>
            {organisation_id.map(|id| view! { <input type="hidden" name="organisation_id" value=id.to_string()/> })}
            <Field label="Email" name="email" kind="email" autocomplete="off" error required=true/>
            <Field label="Role" name="role" options=roles error/>
            <button type="submit" class="button primary" disabled=move || action.pending().get()>"Send invitation"</button>
        </ActionForm>
    }
}
