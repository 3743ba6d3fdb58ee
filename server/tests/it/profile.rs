//! The partner's profile over HTTP, on SQLite and on PostgreSQL: its logo (checked from its
//! content, kept only when it passes, served to those who may see the partner and to nobody
//! else), its name and region, the program's partner types and regions lists, and the admin
//! giving a partner another channel manager, whose reach follows at once.

use crate::support;

use app::on_db;
use reqwest::StatusCode;
use reqwest::header::{CONTENT_SECURITY_POLICY, CONTENT_TYPE, X_CONTENT_TYPE_OPTIONS};
use serde_json::Value;
use support::{Backend, TestApp};

on_both_databases!(
    a_logo_is_checked_from_its_content_and_a_refused_one_leaves_nothing,
    a_logo_is_served_with_its_own_type_only_within_reach,
    a_form_without_javascript_uploads_and_is_told_why_not,
    the_name_and_region_are_the_partners_own_within_the_programs_lists,
    a_value_in_use_is_retired_not_deleted_and_only_admins_change_the_lists,
    an_admin_reassigns_a_channel_manager_and_reach_follows_at_once,
);

/// A 1 × 1 PNG.
const PIXEL_PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4, 0x89, 0x00, 0x00, 0x00, 0x0D, 0x49,
    0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0xF8, 0xCF, 0xC0, 0xF0, 0x1F, 0x00, 0x05, 0x00, 0x01, 0xFF, 0x89, 0x99, 0x3D,
    0x1D, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
];

const COPPERLINE: &str = "partner@copperline.test";

/// Posts `bytes` as the logo form's file, named `file_name` and typed `claimed`, as a browser does.
async fn upload(
    app: &TestApp,
    client: &reqwest::Client,
    file_name: &str,
    claimed: &str,
    bytes: Vec<u8>,
) -> (StatusCode, Value) {
    let part = reqwest::multipart::Part::bytes(bytes).file_name(file_name.to_owned()).mime_str(claimed).expect("type");
    let response = client
        .post(format!("{}/api/upload_logo", app.base))
        .multipart(reqwest::multipart::Form::new().part("logo", part))
        .send()
        .await
        .expect("request reaches the server");
    let status = response.status();
    let text = response.text().await.expect("body");
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

/// The stored logo of `organisation` (its type and bytes), if any.
async fn stored_logo(app: &TestApp, organisation: i64) -> Option<(String, Vec<u8>)> {
    on_db!(app.db(), pool => sqlx::query_as("SELECT media_type, body FROM organisation_logos WHERE organisation_id = $1")
        .bind(organisation).fetch_optional(pool).await)
    .expect("logo query")
}

async fn fetch_logo(app: &TestApp, client: &reqwest::Client, organisation: i64) -> reqwest::Response {
    client.get(format!("{}/logos/{organisation}", app.base)).send().await.expect("logo request")
}

async fn a_logo_is_checked_from_its_content_and_a_refused_one_leaves_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let partner = app.sign_in(COPPERLINE).await;
    let copperline = app.organisation_id("Copperline IT").await;
    let before = stored_logo(&app, copperline).await.expect("the demo gives Copperline a logo");
    let audited = || app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'partner.logo'");
    let audits = audited().await;

    let mut oversized = PIXEL_PNG.to_vec();
    oversized.resize(1024 * 1024 + 300 * 1024, 0);
    let hostile = br#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" onload="fetch('/api/sign_out')"><rect width="10" height="10"/></svg>"#;
    let scripted = br#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(document.cookie)</script></svg>"#;
    let refusals: [(&str, &str, Vec<u8>, &str); 5] = [
        ("logo.png", "image/png", oversized, "The file is 1.3 MB; a logo may be at most 1 MB."),
        ("logo.png", "image/png", b"<script>alert(1)</script>".to_vec(), "not a PNG, JPEG, WebP or SVG image"),
        ("logo.png", "image/png", b"MZ\x90\x00 a program".to_vec(), "not a PNG, JPEG, WebP or SVG image"),
        ("logo.svg", "image/svg+xml", hostile.to_vec(), "an event handler (onload=…)"),
        ("logo.svg", "image/svg+xml", scripted.to_vec(), "a script (<script>)"),
    ];
    for (name, claimed, bytes, said) in refusals {
        let (status, body) = upload(&app, &partner, name, claimed, bytes).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{name}: {body}");
        let message = body["fields"]["logo"].as_str().unwrap_or_default();
        assert!(message.contains(said), "{name}: {body}");
    }
    // A larger upload is read to its end and dropped, and told its size; a form without its boundary is not read at all.
    let (status, body) = upload(&app, &partner, "logo.png", "image/png", vec![0x89; 3 * 1024 * 1024]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["fields"]["logo"], "The file is 3.0 MB; a logo may be at most 1 MB.", "{body}");
    let unbounded = partner
        .post(format!("{}/api/upload_logo", app.base))
        .header("Content-Type", "multipart/form-data")
        .body("--x\r\n")
        .send()
        .await
        .expect("request reaches the server");
    assert_eq!(unbounded.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(stored_logo(&app, copperline).await.as_ref(), Some(&before), "the logo is as it was");
    assert_eq!(audited().await, audits, "nothing was recorded");

    // A partner user may not change it; the partner admin may, with a PNG or a plain SVG.
    let rep = app.sign_in("rep@copperline.test").await;
    assert_eq!(upload(&app, &rep, "logo.png", "image/png", PIXEL_PNG.to_vec()).await.0, StatusCode::FORBIDDEN);
    let (status, body) = upload(&app, &partner, "anything.bin", "application/octet-stream", PIXEL_PNG.to_vec()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(stored_logo(&app, copperline).await, Some(("image/png".to_owned(), PIXEL_PNG.to_vec())));
    let plain = br##"<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><style>rect{fill:#036}</style><rect width="40" height="20"/></svg>"##;
    let (status, body) = upload(&app, &partner, "logo.svg", "image/svg+xml", plain.to_vec()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (kind, written) = stored_logo(&app, copperline).await.expect("kept");
    let written = String::from_utf8(written).expect("an SVG is text");
    assert_eq!(kind, "image/svg+xml");
    assert!(written.contains("<path") && !written.contains("<style"), "written again from what it draws: {written}");
    let (_, view) = app.call(&partner, "own_company_profile", &[]).await;
    assert_eq!((view["logo"]["width"].as_i64(), view["logo"]["height"].as_i64()), (Some(40), Some(20)), "{view}");

    // Removed, it is gone; removing nothing records nothing.
    let (status, body) = app.call(&partner, "remove_logo", &[]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(stored_logo(&app, copperline).await, None);
    assert_eq!(app.call(&partner, "remove_logo", &[]).await.0, StatusCode::OK);
    assert_eq!(audited().await, audits + 3);
    app.stop().await;
}

async fn a_logo_is_served_with_its_own_type_only_within_reach(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let partner = app.sign_in(COPPERLINE).await;
    let copperline = app.organisation_id("Copperline IT").await;
    assert_eq!(upload(&app, &partner, "logo.png", "image/png", PIXEL_PNG.to_vec()).await.0, StatusCode::OK);

    // Its own people, every admin and its own channel manager (cam2) see it, typed as it is,
    // never sniffed, under a policy that runs nothing.
    for who in ["rep@copperline.test", "admin@acme.test", "cam2@acme.test", "marketing@acme.test"] {
        let response = fetch_logo(&app, &app.sign_in(who).await, copperline).await;
        assert_eq!(response.status(), StatusCode::OK, "{who}");
        let header = |name| response.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        assert_eq!(header(CONTENT_TYPE), "image/png", "{who}");
        assert_eq!(header(X_CONTENT_TYPE_OPTIONS), "nosniff");
        assert!(header(CONTENT_SECURITY_POLICY).contains("sandbox"), "{}", header(CONTENT_SECURITY_POLICY));
        assert_eq!(response.bytes().await.expect("bytes").as_ref(), PIXEL_PNG);
    }
    // Another partner and another channel manager are told it does not exist; nobody signed out sees it.
    for who in ["partner@bluepeak.test", "cam@acme.test"] {
        let response = fetch_logo(&app, &app.sign_in(who).await, copperline).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{who}");
        assert!(!response.text().await.expect("text").contains("Copperline"));
    }
    let anonymous = fetch_logo(&app, &app.client(), copperline).await;
    assert!(anonymous.status().is_redirection(), "{}", anonymous.status());
    assert_eq!(fetch_logo(&app, &partner, 999_999).await.status(), StatusCode::NOT_FOUND);
    app.stop().await;
}

async fn a_form_without_javascript_uploads_and_is_told_why_not(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let partner = app.sign_in(COPPERLINE).await;
    let post = |bytes: &'static [u8]| {
        let part = reqwest::multipart::Part::bytes(bytes).file_name("logo.png");
        partner
            .post(format!("{}/api/upload_logo", app.base))
            .header("Accept", "text/html")
            .header("Referer", format!("{}/profile", app.base))
            .multipart(reqwest::multipart::Form::new().part("logo", part))
            .send()
    };
    let location = |response: &reqwest::Response| {
        response.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
    };
    let refused = post(b"<script>alert(1)</script>").await.expect("posted");
    assert!(refused.status().is_redirection(), "{}", refused.status());
    let back = location(&refused);
    assert!(back.contains("/profile?") && back.contains("__err="), "back to the page with why: {back}");
    let page = partner.get(&back).send().await.expect("page").text().await.expect("html");
    assert!(page.contains("whatever its name says"), "the page says why");

    let kept = post(PIXEL_PNG).await.expect("posted");
    assert!(kept.status().is_redirection());
    assert!(!location(&kept).contains("__err"), "{}", location(&kept));
    let copperline = app.organisation_id("Copperline IT").await;
    assert_eq!(stored_logo(&app, copperline).await.map(|(kind, _)| kind).as_deref(), Some("image/png"));
    app.stop().await;
}

fn profile_form(view: &Value, changes: &[(&str, &str)]) -> Vec<(String, String)> {
    let fields = ["name", "region", "website", "contact_email", "phone", "city", "country", "about"];
    fields
        .iter()
        .map(|field| {
            let value = match changes.iter().find(|(name, _)| name == field) {
                Some((_, value)) => (*value).to_owned(),
                None => view["profile"][field].as_str().unwrap_or_default().to_owned(),
            };
            (field.to_string(), value)
        })
        .collect()
}

async fn save_profile(app: &TestApp, client: &reqwest::Client, form: &[(String, String)]) -> (StatusCode, Value) {
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    app.call(client, "save_company_profile", &form).await
}

async fn change_list(
    app: &TestApp,
    client: &reqwest::Client,
    list: &str,
    change: &str,
    value: (&str, &str),
) -> (StatusCode, Value) {
    app.call(client, "change_program_list", &[("list", list), ("change", change), value]).await
}

async fn id_of(app: &TestApp, admin: &reqwest::Client, list: &str, name: &str) -> String {
    let (_, lists) = app.call(admin, "program_lists", &[]).await;
    let values = lists[list].as_array().cloned().unwrap_or_default();
    values.iter().find(|value| value["name"] == name).map(|value| value["id"].to_string()).expect("on the list")
}

async fn the_name_and_region_are_the_partners_own_within_the_programs_lists(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let partner = app.sign_in(COPPERLINE).await;
    let admin = app.sign_in("admin@acme.test").await;
    let (_, view) = app.call(&partner, "own_company_profile", &[]).await;

    // Another organisation's name, or a region not on the list, is refused and nothing changes.
    for (changes, field) in [
        ([("name", "bluepeak systems"), ("region", "EMEA")], "name"),
        ([("name", "Copperline IT"), ("region", "Atlantis")], "region"),
    ] {
        let (status, body) = save_profile(&app, &partner, &profile_form(&view, &changes)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(body["fields"][field].is_string(), "{body}");
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM organisations WHERE name = 'Copperline IT'").await, 1);

    // A region the admin adds can be chosen; renamed, the partner is found by its new name.
    assert_eq!(change_list(&app, &admin, "regions", "add", ("name", "DACH")).await.0, StatusCode::OK);
    let form = profile_form(&view, &[("name", "Copperline Cloud"), ("region", "dach")]);
    let (status, body) = save_profile(&app, &partner, &form).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, after) = app.call(&partner, "own_company_profile", &[]).await;
    assert_eq!(
        (after["profile"]["name"].as_str(), after["profile"]["region"].as_str()),
        (Some("Copperline Cloud"), Some("DACH"))
    );
    let (_, directory) = app.call(&admin, "list_partners", &[("region", "DACH")]).await;
    assert_eq!(directory["rows"][0]["name"], "Copperline Cloud", "{directory}");

    // Retired, DACH stays Copperline's, and no other partner may choose it.
    let dach = id_of(&app, &admin, "regions", "DACH").await;
    assert_eq!(change_list(&app, &admin, "regions", "retire", ("id", &dach)).await.0, StatusCode::OK);
    let (status, body) = save_profile(&app, &partner, &form).await;
    assert_eq!(status, StatusCode::OK, "its own retired region still saves: {body}");
    let bluepeak = app.sign_in("partner@bluepeak.test").await;
    let (_, theirs) = app.call(&bluepeak, "own_company_profile", &[]).await;
    assert!(!theirs["regions"].as_array().expect("choices").iter().any(|region| region == "DACH"), "{theirs}");
    let (status, body) = save_profile(&app, &bluepeak, &profile_form(&theirs, &[("region", "DACH")])).await;
    assert_eq!((status, body["fields"]["region"].is_string()), (StatusCode::UNPROCESSABLE_ENTITY, true), "{body}");
    app.stop().await;
}

async fn a_value_in_use_is_retired_not_deleted_and_only_admins_change_the_lists(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.sign_in("admin@acme.test").await;
    let (status, lists) = app.call(&admin, "program_lists", &[]).await;
    assert_eq!(status, StatusCode::OK, "{lists}");
    let msp = lists["types"].as_array().and_then(|types| types.iter().find(|t| t["name"] == "MSP")).cloned();
    assert!(msp.as_ref().is_some_and(|msp| msp["partners"].as_i64() > Some(0)), "{lists}");
    let msp = id_of(&app, &admin, "types", "MSP").await;
    let audited = || app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'program.list'");
    let audits = audited().await;

    // In use: not deleted, with why; nor added twice, whatever its case.
    let (status, body) = change_list(&app, &admin, "types", "delete", ("id", &msp)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body["fields"]["id"].as_str().is_some_and(|m| m.contains("MSP is in use") && m.contains("retire it")),
        "{body}"
    );
    let (status, body) = change_list(&app, &admin, "types", "add", ("name", "msp")).await;
    assert_eq!(
        (status, body["fields"]["name"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("MSP is on the list already."))
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM partner_types WHERE name = 'MSP' AND retired_at IS NULL").await, 1);
    assert_eq!(audited().await, audits, "nothing was recorded");

    // Retired, its partners keep it; restored, it is as before. Neither is done twice.
    assert_eq!(change_list(&app, &admin, "types", "retire", ("id", &msp)).await.0, StatusCode::OK);
    let (status, body) = change_list(&app, &admin, "types", "retire", ("id", &msp)).await;
    assert_eq!(
        (status, body["fields"]["id"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("MSP is retired already."))
    );
    let (_, lists) = app.call(&admin, "program_lists", &[]).await;
    let retired = lists["types"].as_array().and_then(|types| types.iter().find(|t| t["name"] == "MSP")).cloned();
    assert_eq!(retired.map(|msp| msp["retired"].clone()), Some(Value::Bool(true)));
    let (_, directory) = app.call(&admin, "list_partners", &[("type", "MSP")]).await;
    assert!(directory["total"].as_i64() > Some(0), "its partners keep it: {directory}");
    assert_eq!(change_list(&app, &admin, "types", "restore", ("id", &msp)).await.0, StatusCode::OK);

    // A value nobody uses is deleted.
    assert_eq!(change_list(&app, &admin, "regions", "add", ("name", "Oceania")).await.0, StatusCode::OK);
    let oceania = id_of(&app, &admin, "regions", "Oceania").await;
    assert_eq!(change_list(&app, &admin, "regions", "delete", ("id", &oceania)).await.0, StatusCode::OK);
    assert_eq!(app.count("SELECT COUNT(*) FROM regions WHERE name = 'Oceania'").await, 0);
    assert_eq!(audited().await, audits + 4);
    assert_eq!(change_list(&app, &admin, "regions", "retire", ("id", &oceania)).await.0, StatusCode::NOT_FOUND);

    // Nobody else changes or reads the lists.
    for who in ["cam@acme.test", "marketing@acme.test", "partner@bluepeak.test"] {
        let client = app.sign_in(who).await;
        assert_eq!(
            change_list(&app, &client, "regions", "add", ("name", "Mars")).await.0,
            StatusCode::FORBIDDEN,
            "{who}"
        );
        assert_eq!(app.call(&client, "program_lists", &[]).await.0, StatusCode::FORBIDDEN, "{who}");
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM regions WHERE name = 'Mars'").await, 0);
    app.stop().await;
}

async fn an_admin_reassigns_a_channel_manager_and_reach_follows_at_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.sign_in("admin@acme.test").await;
    let (sam, rin) = (app.sign_in("cam@acme.test").await, app.sign_in("cam2@acme.test").await);
    let copperline = app.organisation_id("Copperline IT").await.to_string();
    let sees = |client: &reqwest::Client| {
        let client = client.clone();
        let id = copperline.clone();
        let app = &app;
        async move { app.call(&client, "partner_profile", &[("id", &id)]).await.0 }
    };
    assert_eq!((sees(&sam).await, sees(&rin).await), (StatusCode::NOT_FOUND, StatusCode::OK), "Copperline is Rin's");

    let (_, detail) = app.call(&admin, "partner_profile", &[("id", &copperline)]).await;
    let managers = detail["managers"].as_array().cloned().unwrap_or_default();
    let sam_id = managers.iter().find(|m| m[1] == "Sam Achterberg").map(|m| m[0].to_string()).expect("Sam is listed");

    // A channel manager may not reassign; an admin may not name someone who is no channel manager.
    let (status, _) =
        app.call(&rin, "assign_channel_manager", &[("organisation_id", &copperline), ("manager", &sam_id)]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let admin_id = app.count("SELECT id FROM users WHERE email = 'admin@acme.test'").await.to_string();
    let (status, body) =
        app.call(&admin, "assign_channel_manager", &[("organisation_id", &copperline), ("manager", &admin_id)]).await;
    assert_eq!((status, body["fields"]["manager"].is_string()), (StatusCode::UNPROCESSABLE_ENTITY, true), "{body}");
    assert_eq!((sees(&sam).await, sees(&rin).await), (StatusCode::NOT_FOUND, StatusCode::OK), "nothing changed");

    // Reassigned, Sam sees Copperline and Rin does not, from the next request.
    let (status, body) =
        app.call(&admin, "assign_channel_manager", &[("organisation_id", &copperline), ("manager", &sam_id)]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!((sees(&sam).await, sees(&rin).await), (StatusCode::OK, StatusCode::NOT_FOUND));
    let (_, sams) = app.call(&sam, "list_partners", &[("q", "Copperline")]).await;
    assert_eq!(sams["total"].as_i64(), Some(1), "{sams}");
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'partner.manager'").await, 1);

    // With none, only admins look after it.
    let (status, _) =
        app.call(&admin, "assign_channel_manager", &[("organisation_id", &copperline), ("manager", "")]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!((sees(&sam).await, sees(&rin).await), (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND));
    app.stop().await;
}
