//! The partner import over HTTP, on SQLite and on PostgreSQL: an admin uploads a spreadsheet's
//! CSV, its preview names every bad row and nothing is written until there is none; the import
//! runs in batches (or whole, for a plain form post) and invites each new partner's admin; the
//! same file again changes nothing; nobody but an admin reaches any of it.

use crate::support;

use reqwest::StatusCode;
use serde_json::Value;
use support::{Backend, TestApp};

on_both_databases!(
    an_admin_imports_an_excel_file_in_batches_and_the_same_file_again_changes_nothing,
    a_file_with_bad_rows_is_previewed_each_named_and_nothing_is_written,
);

const ADMIN: &str = "admin@acme.test";

/// `rows` partners as Excel in much of Europe saves them: a byte-order mark, semicolons, CRLF, and
/// quotes around a name with the separator in it.
fn excel_file(rows: usize) -> Vec<u8> {
    let mut text = String::from("\u{feff}Company;Admin email;Partner type;Tier;Region;Channel manager;City\r\n");
    for row in 0..rows {
        let tier = if row % 2 == 0 { "Silver" } else { "" };
        text.push_str(&format!(
            "\"Imported {row:04}; Ltd\";Admin{row}@imported{row}.test;MSP;{tier};EMEA;cam@acme.test;Lyon\r\n"
        ));
    }
    text.into_bytes()
}

async fn upload(app: &TestApp, client: &reqwest::Client, bytes: Vec<u8>) -> (StatusCode, Value) {
    app.post_file(client, "upload_partner_import", &[], ("file", "partners.csv", bytes)).await
}

async fn latest_upload(app: &TestApp) -> i64 {
    app.count("SELECT COALESCE(MAX(id), 0) FROM partner_imports").await
}

async fn preview(app: &TestApp, client: &reqwest::Client, id: i64) -> Value {
    let (status, view) = app.call(client, "partner_import", &[("id", &id.to_string())]).await;
    assert_eq!(status, StatusCode::OK, "{view}");
    view
}

/// What the import writes, counted.
async fn written(app: &TestApp) -> [i64; 4] {
    [
        app.count("SELECT COUNT(*) FROM organisations").await,
        app.count("SELECT COUNT(*) FROM invitations").await,
        app.count("SELECT COUNT(*) FROM outbox").await,
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'partner.import'").await,
    ]
}

async fn an_admin_imports_an_excel_file_in_batches_and_the_same_file_again_changes_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.sign_in(ADMIN).await;
    let before = written(&app).await;

    let (status, body) = upload(&app, &admin, excel_file(250)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let id = latest_upload(&app).await;
    assert_eq!(written(&app).await, before, "an upload writes nothing but itself");
    let view = preview(&app, &admin, id).await;
    assert_eq!(view["bad"], Value::Array(Vec::new()), "{view}");
    assert_eq!((view["new_partners"].as_i64(), view["already_there"].as_i64()), (Some(250), Some(0)));
    assert_eq!(view["shown"][0][0]["company"], "Imported 0000; Ltd");
    assert_eq!(view["shown"][0][0]["tier"], "Silver");
    assert_eq!(view["shown"][1][0]["tier"], "Registered", "no tier: the entry tier");

    // A page with a progress bar imports a batch per call.
    let mut steps = Vec::new();
    loop {
        let (status, progress) = app.call(&admin, "import_partners", &[("id", &id.to_string())]).await;
        assert_eq!(status, StatusCode::OK, "{progress}");
        steps.push(progress["done"].as_i64().unwrap_or_default());
        if progress["finished"] == true {
            assert_eq!((progress["created"].as_i64(), progress["unchanged"].as_i64()), (Some(250), Some(0)));
            break;
        }
        assert!(steps.len() < 10, "the import ends: {steps:?}");
    }
    assert_eq!(steps, vec![100, 200, 250]);
    let [organisations, invitations, outbox, audited] = written(&app).await;
    assert_eq!([organisations, invitations, audited], [before[0] + 250, before[1] + 250, before[3] + 250]);
    assert!(outbox >= before[2] + 250, "every admin is sent the invitation");
    let partner = app.organisation_id("Imported 0007; Ltd").await;
    let (kind, partner_type, tier, region, manager, city): (String, String, String, String, String, String) =
        app::on_db!(app.db(), pool => sqlx::query_as(
            "SELECT o.kind, pt.name, t.name, o.region, u.email, o.city FROM organisations o \
             JOIN partner_types pt ON pt.id = o.partner_type_id JOIN tiers t ON t.id = o.tier_id \
             JOIN users u ON u.id = o.channel_manager_id WHERE o.id = $1")
            .bind(partner).fetch_one(pool).await)
        .expect("the partner");
    assert_eq!(
        (kind.as_str(), partner_type.as_str(), tier.as_str(), region.as_str(), manager.as_str(), city.as_str()),
        ("partner", "MSP", "Registered", "EMEA", "cam@acme.test", "Lyon")
    );
    let link = app.last_link_for("admin7@imported7.test").await.expect("the admin's invitation");
    assert!(link.contains("/invitation?token="), "{link}");
    let invited: i64 = app::on_db!(app.db(), pool => sqlx::query_scalar(
        "SELECT COUNT(*) FROM invitations WHERE email = 'admin7@imported7.test' AND role = 'partner_admin' AND organisation_id = $1")
        .bind(partner).fetch_one(pool).await)
    .expect("invitation query");
    assert_eq!(invited, 1);
    // Imported already: calling again changes nothing.
    let (status, again) = app.call(&admin, "import_partners", &[("id", &id.to_string())]).await;
    assert_eq!((status, again["created"].as_i64()), (StatusCode::OK, Some(250)));

    // The same file again: every partner is there already, so the import changes nothing.
    let after = written(&app).await;
    let (status, body) = upload(&app, &admin, excel_file(250)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let second = latest_upload(&app).await;
    let view = preview(&app, &admin, second).await;
    assert_eq!((view["new_partners"].as_i64(), view["already_there"].as_i64()), (Some(0), Some(250)), "{view}");
    // Without JavaScript the form posts the whole import and comes back to the page.
    let response = admin
        .post(format!("{}/api/import_partners", app.base))
        .header("accept", "text/html")
        .form(&[("id", second.to_string())])
        .send()
        .await
        .expect("plain post");
    assert!(response.status().is_redirection(), "{}", response.status());
    let location = response.headers().get("location").and_then(|value| value.to_str().ok()).unwrap_or_default();
    assert_eq!(location, format!("/admin/partner-import/{second}"));
    let view = preview(&app, &admin, second).await;
    assert_eq!(view["progress"]["finished"], true, "{view}");
    assert_eq!((view["progress"]["created"].as_i64(), view["progress"]["unchanged"].as_i64()), (Some(0), Some(250)));
    assert_eq!(written(&app).await, after, "the same file again changed nothing");
    app.stop().await;
}

async fn a_file_with_bad_rows_is_previewed_each_named_and_nothing_is_written(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.sign_in(ADMIN).await;
    let before = written(&app).await;

    // Not a partner file at all: refused at once, naming the field, and not kept.
    let refusals: [(&[u8], &str); 3] = [
        (b"name,email\nA,a@a.test\n", "admin_email"),
        (b"company,admin_email\nCaf\xE9,a@a.test\n", "CSV UTF-8"),
        (b"company,admin_email\n", "no rows"),
    ];
    for (bytes, said) in refusals {
        let (status, body) = upload(&app, &admin, bytes.to_vec()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(body["fields"]["file"].as_str().is_some_and(|message| message.contains(said)), "{said}: {body}");
    }
    assert_eq!(latest_upload(&app).await, 0, "nothing kept");

    let file = "company,admin_email,partner_type,region\n\
        Fine Partner,fine@fine.test,Reseller,EMEA\n\
        Bluepeak Systems,someone@bluepeak.test,,\n\
        ,broken,Wizard,Mars\n\
        Granite Twin,partner@granite.test,,\n\
        Acme Cloud,x@acme.test,,\n";
    let (status, body) = upload(&app, &admin, file.as_bytes().to_vec()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let id = latest_upload(&app).await;
    let view = preview(&app, &admin, id).await;
    let bad: Vec<(i64, String)> = view["bad"]
        .as_array()
        .map(|rows| {
            rows.iter().map(|row| (row["line"].as_i64().unwrap_or_default(), row["problems"].to_string())).collect()
        })
        .unwrap_or_default();
    assert_eq!(bad.iter().map(|(line, _)| *line).collect::<Vec<_>>(), vec![4, 5, 6], "{view}");
    for said in ["company is empty", "not an email address", "Wizard", "Mars"] {
        assert!(bad[0].1.contains(said), "{said}: {}", bad[0].1);
    }
    assert!(bad[1].1.contains("already signs in to Tessera, at Granite Integration"), "{}", bad[1].1);
    assert!(bad[2].1.contains("vendor's own name"), "{}", bad[2].1);
    let (status, body) = app.call(&admin, "import_partners", &[("id", &id.to_string())]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body["fields"]["import"]
            .as_str()
            .is_some_and(|message| message.contains("3 rows of the file cannot be imported")),
        "{body}"
    );
    assert_eq!(written(&app).await, before, "nothing was written");

    // Only an admin uploads, previews or imports; another's id is simply not there.
    for who in ["cam@acme.test", "marketing@acme.test", "partner@bluepeak.test"] {
        let client = app.sign_in(who).await;
        assert_eq!(upload(&app, &client, excel_file(1)).await.0, StatusCode::FORBIDDEN, "{who}");
        for endpoint in ["partner_import", "import_partners"] {
            let (status, _) = app.call(&client, endpoint, &[("id", &id.to_string())]).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{who} {endpoint}");
        }
    }
    let (status, _) = app.call(&admin, "partner_import", &[("id", "999999")]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(written(&app).await, before);
    app.stop().await;
}
