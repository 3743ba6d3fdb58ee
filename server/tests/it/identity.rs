//! Signing in and out, throttling, sessions, invitations and password resets, over HTTP,
//! on SQLite and on PostgreSQL.

use crate::support;

use app::on_db;
use reqwest::StatusCode;
use support::{Backend, TestApp, token_of};

on_both_databases!(
    good_sign_in_opens_a_session_that_knows_the_person,
    wrong_password_and_unknown_email_get_the_same_answer_and_no_session,
    empty_sign_in_form_gets_an_error_for_each_field,
    fifth_failure_locks_the_email_even_for_the_right_password,
    sign_out_closes_the_session_on_the_server,
    expired_session_is_treated_as_signed_out,
    invitation_link_creates_the_account_once,
    invitation_with_bad_fields_changes_nothing,
    a_waiting_invitation_is_not_sent_twice_and_can_be_sent_again_or_withdrawn,
    admins_change_roles_and_deactivate_but_never_themselves_or_the_last_admin,
    a_new_role_reaches_a_session_already_open_at_once,
    password_reset_link_sets_a_new_password_and_closes_old_sessions,
    reset_request_does_not_reveal_whether_an_account_exists,
);

async fn good_sign_in_opens_a_session_that_knows_the_person(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let client = app.client();
    let response = client
        .post(format!("{}/api/sign_in", app.base))
        .form(&[("email", " Partner@Bluepeak.test "), ("password", "tessera-demo")])
        .send()
        .await
        .expect("sign in");
    assert_eq!(response.status(), StatusCode::OK);
    let cookie = response.headers().get("set-cookie").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    assert!(cookie.starts_with("tessera_session="), "{cookie}");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
    let (status, user) = app.call(&client, "current_user", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(user["email"], "partner@bluepeak.test");
    assert_eq!(user["role"], "partner_admin");
    assert_eq!(user["organisation_name"], "Bluepeak Systems");
    // The home page is rendered for that person on the server.
    let page = client.get(format!("{}/", app.base)).header("accept", "text/html").send().await.expect("home");
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.expect("html");
    assert!(html.contains("Your channel manager") && html.contains("cam@acme.test"), "partner home shows its CAM");
    app.stop().await;
}

async fn wrong_password_and_unknown_email_get_the_same_answer_and_no_session(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let client = app.client();
    let (wrong_status, wrong) =
        app.call(&client, "sign_in", &[("email", "partner@bluepeak.test"), ("password", "not-the-password")]).await;
    let (unknown_status, unknown) =
        app.call(&client, "sign_in", &[("email", "nobody@bluepeak.test"), ("password", "tessera-demo")]).await;
    assert_eq!(wrong_status, StatusCode::UNAUTHORIZED);
    assert_eq!((unknown_status, &unknown), (wrong_status, &wrong), "no hint which emails have accounts");
    assert_eq!(wrong["kind"], "invalid_credentials");
    let (_, user) = app.call(&client, "current_user", &[]).await;
    assert!(user.is_null(), "no session after failed sign-ins: {user}");
    app.stop().await;
}

async fn empty_sign_in_form_gets_an_error_for_each_field(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let client = app.client();
    let (status, body) = app.call(&client, "sign_in", &[("email", ""), ("password", "")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["kind"], "invalid");
    assert_eq!(body["fields"]["email"], "Enter your email address.");
    assert_eq!(body["fields"]["password"], "Enter your password.");
    let (status, body) = app.call(&client, "sign_in", &[("email", "not-an-email"), ("password", "x")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["fields"]["email"].as_str().unwrap_or_default().contains("like name@company.com"));
    // A form missing a field entirely is bad input too, not a server error.
    let (status, _) = app.call(&client, "sign_in", &[("email", "partner@bluepeak.test")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("SELECT COUNT(*) FROM sign_in_failures").await, 0, "malformed input is not a failed attempt");
    app.stop().await;
}

async fn fifth_failure_locks_the_email_even_for_the_right_password(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let client = app.client();
    for attempt in 1..=5 {
        let (status, _) =
            app.call(&client, "sign_in", &[("email", "rep@bluepeak.test"), ("password", "guess-guess")]).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "attempt {attempt} is an ordinary failure");
    }
    let (status, body) =
        app.call(&client, "sign_in", &[("email", "rep@bluepeak.test"), ("password", "tessera-demo")]).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    let message = body["message"].as_str().unwrap_or_default();
    assert!(message.starts_with("Too many failed sign-ins for this email"), "{message}");
    assert!(message.contains("15 minutes"), "{message}");
    // Another email is not affected.
    let (status, _) =
        app.call(&client, "sign_in", &[("email", "partner@bluepeak.test"), ("password", "tessera-demo")]).await;
    assert_eq!(status, StatusCode::OK);
    app.stop().await;
}

async fn sign_out_closes_the_session_on_the_server(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let client = app.sign_in("cam@acme.test").await;
    assert_eq!(app.count("SELECT COUNT(*) FROM sessions").await, 1);
    let (status, _) = app.call(&client, "sign_out", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(app.count("SELECT COUNT(*) FROM sessions").await, 0);
    let (status, _) = app.call(&client, "list_partners", &[]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    app.stop().await;
}

async fn expired_session_is_treated_as_signed_out(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let client = app.sign_in("admin@acme.test").await;
    let (status, _) = app.call(&client, "program_overview", &[]).await;
    assert_eq!(status, StatusCode::OK);
    let past = chrono::Utc::now() - chrono::Duration::minutes(1);
    on_db!(app.db(), pool => sqlx::query("UPDATE sessions SET expires_at = $1").bind(past).execute(pool).await.map(|_| ()))
        .expect("expire");
    let (status, body) = app.call(&client, "program_overview", &[]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    let (_, user) = app.call(&client, "current_user", &[]).await;
    assert!(user.is_null());
    let page = client.get(format!("{}/admin", app.base)).header("accept", "text/html").send().await.expect("page");
    assert_eq!(page.status(), StatusCode::FOUND);
    assert_eq!(page.headers().get("location").and_then(|v| v.to_str().ok()), Some("/sign-in"));
    app.stop().await;
}

async fn invitation_link_creates_the_account_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let partner_admin = app.sign_in("partner@bluepeak.test").await;
    let (status, sent) =
        app.call(&partner_admin, "invite", &[("email", "new.rep@bluepeak.test"), ("role", "partner_user")]).await;
    assert_eq!(status, StatusCode::OK, "{sent}");
    let link = app.last_link_for("new.rep@bluepeak.test").await.expect("invitation email in the outbox");
    assert_eq!(sent["email"], "new.rep@bluepeak.test");
    assert!(!sent.to_string().contains(&token_of(&link)), "only the invitee gets the link: {sent}");
    let token = token_of(&link);

    let invitee = app.client();
    let (status, details) = app.call(&invitee, "invitation", &[("token", &token)]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(details["organisation_name"], "Bluepeak Systems");
    assert_eq!(details["role"], "partner_user");

    let form = [
        ("token", token.as_str()),
        ("name", "Nia New"),
        ("password", "a-long-password"),
        ("password_confirmation", "a-long-password"),
    ];
    let (status, body) = app.call(&invitee, "accept_invitation", &form).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, me) = app.call(&invitee, "current_user", &[]).await;
    assert_eq!(me["email"], "new.rep@bluepeak.test");
    assert_eq!(me["role"], "partner_user");
    assert_eq!(me["organisation_name"], "Bluepeak Systems");

    let (status, body) = app.call(&app.client(), "accept_invitation", &form).await;
    assert_eq!(status, StatusCode::GONE, "a used link cannot make a second account: {body}");
    let fresh = app.client();
    let (status, _) =
        app.call(&fresh, "sign_in", &[("email", "new.rep@bluepeak.test"), ("password", "a-long-password")]).await;
    assert_eq!(status, StatusCode::OK, "the new account signs in with its own password");
    app.stop().await;
}

async fn invitation_with_bad_fields_changes_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.sign_in("admin@acme.test").await;
    let invitations_before = app.count("SELECT COUNT(*) FROM invitations").await;
    let outbox_before = app.count("SELECT COUNT(*) FROM outbox").await;
    let (status, body) = app.call(&admin, "invite", &[("email", "not an email"), ("role", "superuser")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["fields"]["email"].is_string() && body["fields"]["role"].is_string(), "{body}");
    let (status, body) = app.call(&admin, "invite", &[("email", "cam@acme.test"), ("role", "channel_manager")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["fields"]["email"], "This person already has a Tessera account.");
    assert_eq!(app.count("SELECT COUNT(*) FROM invitations").await, invitations_before);
    assert_eq!(app.count("SELECT COUNT(*) FROM outbox").await, outbox_before);

    let (status, _) = app.call(&admin, "invite", &[("email", "ops@acme.test"), ("role", "marketing")]).await;
    assert_eq!(status, StatusCode::OK);
    let token = token_of(&app.last_link_for("ops@acme.test").await.expect("invitation email in the outbox"));
    let users_before = app.count("SELECT COUNT(*) FROM users").await;
    let short = [("token", token.as_str()), ("name", ""), ("password", "short"), ("password_confirmation", "other")];
    let (status, body) = app.call(&app.client(), "accept_invitation", &short).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["fields"]["name"], "Enter your name.");
    assert_eq!(body["fields"]["password"], "Use at least 10 characters.");
    assert_eq!(body["fields"]["password_confirmation"], "The two passwords differ.");
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, users_before, "no account was made");
    let (status, _) = app.call(&app.client(), "invitation", &[("token", &token)]).await;
    assert_eq!(status, StatusCode::OK, "the invitation is still open");
    app.stop().await;
}

async fn password_reset_link_sets_a_new_password_and_closes_old_sessions(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let old_session = app.sign_in("partner@copperline.test").await;
    let anonymous = app.client();
    let (status, _) = app.call(&anonymous, "request_password_reset", &[("email", "partner@copperline.test")]).await;
    assert_eq!(status, StatusCode::OK);
    let link = app.last_link_for("partner@copperline.test").await.expect("reset email in the outbox");
    assert!(link.contains("/reset-password?token="), "{link}");
    let token = token_of(&link);

    let (status, body) = app
        .call(
            &anonymous,
            "reset_password",
            &[("token", &token), ("password", "brand-new-secret"), ("password_confirmation", "brand-new-secreT")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["fields"]["password_confirmation"].is_string());

    let good =
        [("token", token.as_str()), ("password", "brand-new-secret"), ("password_confirmation", "brand-new-secret")];
    let (status, body) = app.call(&anonymous, "reset_password", &good).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, user) = app.call(&old_session, "current_user", &[]).await;
    assert!(user.is_null(), "sessions opened before the reset are closed");
    let (status, _) =
        app.call(&app.client(), "sign_in", &[("email", "partner@copperline.test"), ("password", "tessera-demo")]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "the old password no longer works");
    let (status, _) = app
        .call(&app.client(), "sign_in", &[("email", "partner@copperline.test"), ("password", "brand-new-secret")])
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = app.call(&anonymous, "reset_password", &good).await;
    assert_eq!(status, StatusCode::GONE, "a reset link works once");
    app.stop().await;
}

async fn reset_request_does_not_reveal_whether_an_account_exists(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let client = app.client();
    let (known, known_body) = app.call(&client, "request_password_reset", &[("email", "rep@bluepeak.test")]).await;
    let (unknown, unknown_body) =
        app.call(&client, "request_password_reset", &[("email", "ghost@bluepeak.test")]).await;
    assert_eq!((known, known_body), (unknown, unknown_body));
    assert!(app.last_link_for("ghost@bluepeak.test").await.is_none());
    assert!(app.last_link_for("rep@bluepeak.test").await.is_some());
    let (status, body) = app.call(&client, "request_password_reset", &[("email", "")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["fields"]["email"].is_string());
    app.stop().await;
}

/// One invitation per address while it waits; "send again" replaces its link (the old one stops
/// working); "withdraw" ends it; only those who may invite into its organisation manage it.
async fn a_waiting_invitation_is_not_sent_twice_and_can_be_sent_again_or_withdrawn(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let partner_admin = app.sign_in("partner@bluepeak.test").await;
    let invite = [("email", "new.rep@bluepeak.test"), ("role", "partner_user")];
    assert_eq!(app.call(&partner_admin, "invite", &invite).await.0, StatusCode::OK);
    let first = token_of(&app.last_link_for("new.rep@bluepeak.test").await.expect("the invitation"));
    let (status, body) =
        app.call(&partner_admin, "invite", &[("email", "NEW.REP@bluepeak.test"), ("role", "partner_user")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["fields"]["email"].as_str().unwrap_or("").contains("waiting to be accepted"), "{body}");
    assert_eq!(app.count("SELECT COUNT(*) FROM invitations").await, 1);
    // Another organisation's waiting invitation is none of this one's business: it neither
    // blocks nor reveals anything here.
    let copperline = app.sign_in("partner@copperline.test").await;
    let elsewhere = [("email", "new.rep@bluepeak.test"), ("role", "partner_user")];
    assert_eq!(app.call(&copperline, "invite", &elsewhere).await.0, StatusCode::OK);

    let (_, team) = app.call(&partner_admin, "team", &[]).await;
    let id = team["pending"][0]["id"].as_i64().expect("the waiting invitation").to_string();
    // Someone of another partner, or a colleague who may not invite, is told it does not exist.
    for stranger in ["partner@copperline.test", "rep@bluepeak.test", "cam@acme.test"] {
        let client = app.sign_in(stranger).await;
        for endpoint in ["resend_invitation", "withdraw_invitation"] {
            let (status, _) = app.call(&client, endpoint, &[("id", &id)]).await;
            assert!(
                status == StatusCode::NOT_FOUND || status == StatusCode::FORBIDDEN,
                "{stranger} {endpoint}: {status}"
            );
        }
    }
    let (status, sent) = app.call(&partner_admin, "resend_invitation", &[("id", &id)]).await;
    assert_eq!(status, StatusCode::OK, "{sent}");
    assert_eq!(sent["email"], "new.rep@bluepeak.test");
    let second = token_of(&app.last_link_for("new.rep@bluepeak.test").await.expect("the invitation again"));
    assert_ne!(first, second, "a new link");
    assert_eq!(
        app.call(&app.client(), "invitation", &[("token", &first)]).await.0,
        StatusCode::GONE,
        "the old link stops"
    );
    assert_eq!(app.call(&app.client(), "invitation", &[("token", &second)]).await.0, StatusCode::OK);

    let (status, body) = app.call(&partner_admin, "withdraw_invitation", &[("id", &id)]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(app.call(&app.client(), "invitation", &[("token", &second)]).await.0, StatusCode::GONE, "withdrawn");
    let (_, team) = app.call(&partner_admin, "team", &[]).await;
    assert_eq!(team["pending"], serde_json::json!([]));
    assert_eq!(app.call(&partner_admin, "withdraw_invitation", &[("id", &id)]).await.0, StatusCode::NOT_FOUND);
    // Once withdrawn, the address may be invited afresh.
    assert_eq!(app.call(&partner_admin, "invite", &invite).await.0, StatusCode::OK);
    let audit =
        app.count("SELECT COUNT(*) FROM audit_log WHERE action IN ('invitation.resend', 'invitation.revoke')").await;
    assert_eq!(audit, 2);
    app.stop().await;
}

/// Who a session belongs to is kept between requests (on SQLite); a change to the person is seen by
/// the very next request of their open session, not after a while.
async fn a_new_role_reaches_a_session_already_open_at_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let partner_admin = app.sign_in("partner@bluepeak.test").await;
    let rep = app.sign_in("rep@bluepeak.test").await;
    let rep_id = app.count("SELECT id FROM users WHERE email = 'rep@bluepeak.test'").await.to_string();
    for _ in 0..2 {
        assert_eq!(app.call(&rep, "current_user", &[]).await.1["role"], "partner_user");
    }
    assert_eq!(app.call(&rep, "team", &[]).await.1["invitable"], serde_json::json!([]), "a rep invites nobody");
    let (status, body) =
        app.call(&partner_admin, "change_member", &[("id", &rep_id), ("change", "partner_admin")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(app.call(&rep, "current_user", &[]).await.1["role"], "partner_admin");
    let (_, team) = app.call(&rep, "team", &[]).await;
    assert!(team["invitable"].as_array().is_some_and(|roles| !roles.is_empty()), "an admin invites: {team}");
    app.stop().await;
}

/// A partner admin gives a colleague another role or deactivates them (who then cannot sign in,
/// and whose sessions end); nobody changes their own account; an organisation always keeps an
/// active admin.
async fn admins_change_roles_and_deactivate_but_never_themselves_or_the_last_admin(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let partner_admin = app.sign_in("partner@bluepeak.test").await;
    let rep = app.sign_in("rep@bluepeak.test").await;
    let me = app.count("SELECT id FROM users WHERE email = 'partner@bluepeak.test'").await.to_string();
    let rep_id = app.count("SELECT id FROM users WHERE email = 'rep@bluepeak.test'").await.to_string();

    let (status, body) = app.call(&partner_admin, "change_member", &[("id", &me), ("change", "partner_user")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "not oneself: {body}");
    let (status, body) = app.call(&partner_admin, "change_member", &[("id", &rep_id), ("change", "admin")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "only roles the admin may give: {body}");
    assert_eq!(
        app.call(&rep, "change_member", &[("id", &me), ("change", "deactivate")]).await.0,
        StatusCode::NOT_FOUND
    );

    // The rep becomes an admin, and then demotes the first admin: one admin left.
    let (status, body) =
        app.call(&partner_admin, "change_member", &[("id", &rep_id), ("change", "partner_admin")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let rep = app.sign_in("rep@bluepeak.test").await;
    let (_, me_now) = app.call(&rep, "current_user", &[]).await;
    assert_eq!(me_now["role"], "partner_admin");
    let (status, body) = app.call(&rep, "change_member", &[("id", &me), ("change", "partner_user")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // The program admin may not take away Bluepeak's last admin, nor deactivate them.
    let program_admin = app.sign_in("admin@acme.test").await;
    for change in ["partner_user", "deactivate"] {
        let (status, body) = app.call(&program_admin, "change_member", &[("id", &rep_id), ("change", change)]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{change}: {body}");
        assert!(body["fields"]["change"].as_str().unwrap_or("").contains("last active"), "{body}");
    }
    let admins = app
        .count(
            "SELECT COUNT(*) FROM users u JOIN organisations o ON o.id = u.organisation_id \
        WHERE o.name = 'Bluepeak Systems' AND u.role = 'partner_admin' AND u.deactivated_at IS NULL",
        )
        .await;
    assert_eq!(admins, 1, "nothing changed");

    // Deactivated: the session ends and the password no longer signs in; reactivated, it does.
    let demoted = partner_admin;
    let (status, body) = app.call(&rep, "change_member", &[("id", &me), ("change", "deactivate")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, who) = app.call(&demoted, "current_user", &[]).await;
    assert!(who.is_null(), "the session ended: {who}");
    let fresh = app.client();
    let (status, _) =
        app.call(&fresh, "sign_in", &[("email", "partner@bluepeak.test"), ("password", "tessera-demo")]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (_, team) = app.call(&rep, "team", &[]).await;
    let listed =
        team["members"].as_array().expect("members").iter().find(|m| m["email"] == "partner@bluepeak.test").cloned();
    assert_eq!(listed.map(|m| m["active"].clone()), Some(serde_json::json!(false)));
    assert_eq!(app.call(&rep, "change_member", &[("id", &me), ("change", "reactivate")]).await.0, StatusCode::OK);
    // A change to what already is writes nothing and says so.
    for (change, says) in [("reactivate", "can sign in already"), ("partner_user", "has the role Partner user already")]
    {
        let (status, body) = app.call(&rep, "change_member", &[("id", &me), ("change", change)]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{change}: {body}");
        assert!(body["fields"]["change"].as_str().unwrap_or("").contains(says), "{change}: {body}");
    }
    let (status, _) =
        app.call(&fresh, "sign_in", &[("email", "partner@bluepeak.test"), ("password", "tessera-demo")]).await;
    assert_eq!(status, StatusCode::OK);
    let audit = app.count("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'member.%'").await;
    assert_eq!(audit, 4, "two role changes, a deactivation and a reactivation");
    app.stop().await;
}
