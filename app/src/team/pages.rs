use leptos::prelude::*;

use super::server::{Invite, team};
use super::{PendingInvitation, TeamMember};
use crate::auth::Role;
use crate::layout::guarded_page;
use crate::ui::{Badge, Field, FormError, ScrollTable, form_error};

#[component]
pub fn TeamPage() -> impl IntoView {
    let invite = ServerAction::<Invite>::new();
    guarded_page(
        &Role::ALL,
        move || invite.version().get(),
        |_| team(None),
        move |_, team| {
            view! { <TeamView invite team/> }
        },
    )
}

#[component]
fn TeamView(invite: ServerAction<Invite>, team: super::TeamView) -> impl IntoView {
    view! {
        <h1>{format!("{} team", team.organisation_name)}</h1>
        <div class="columns">
            <section class="card" aria-labelledby="members-title">
                <h2 id="members-title">"People"</h2>
                <MemberTable members=team.members.clone()/>
            </section>
            {(!team.invitable.is_empty()).then(|| view! {
                <section class="card" aria-labelledby="invite-title">
                    <h2 id="invite-title">"Invite someone"</h2>
                    <InviteForm action=invite organisation_id=None roles=team.invitable.clone()/>
                    <PendingList pending=team.pending.clone()/>
                </section>
            })}
        </div>
    }
}

#[component]
pub fn MemberTable(members: Vec<TeamMember>) -> impl IntoView {
    view! {
        <ScrollTable label="People">
            <table>
                <thead><tr><th scope="col">"Name"</th><th scope="col">"Email"</th><th scope="col">"Role"</th></tr></thead>
                <tbody>
                    {members.into_iter().map(|member| view! {
                        <tr>
                            <td>{member.name}</td>
                            <td>{member.email}</td>
                            <td><Badge text=member.role.label()/></td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </ScrollTable>
    }
}

#[component]
fn PendingList(pending: Vec<PendingInvitation>) -> impl IntoView {
    (!pending.is_empty()).then(|| {
        view! {
            <h3>"Waiting to accept"</h3>
            <ul class="plain-list">
                {pending.into_iter().map(|invitation| view! {
                    <li>
                        {invitation.email} " · " {invitation.role.label()} " · expires "
                        {invitation.expires_at.format("%Y-%m-%d").to_string()}
                    </li>
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
