//! The content library over HTTP, on SQLite and on PostgreSQL: what each partner sees by its tier
//! and type, files served only to those the gating rule lets open them (whatever address is
//! guessed) and counted, uploads checked from their content with nothing kept when refused, and
//! the managers' changes.

use crate::support;

use reqwest::StatusCode;
use reqwest::header::{CONTENT_DISPOSITION, CONTENT_TYPE, LOCATION, X_CONTENT_TYPE_OPTIONS};
use serde_json::Value;
use support::{Backend, TestApp};

on_both_databases!(
    each_partner_sees_what_its_tier_and_type_open,
    a_gated_file_is_not_served_by_its_address_and_an_open_one_is_counted,
    an_oversized_or_disguised_upload_is_refused_and_nothing_is_kept,
    managers_regate_and_remove_items_and_the_last_user_of_a_file_takes_it_along,
);

const BLUEPEAK: &str = "partner@bluepeak.test";
const COPPERLINE: &str = "partner@copperline.test";
const MARKETING: &str = "marketing@acme.test";

const BROCHURE: &str = "Acme Cloud overview brochure";
const BATTLECARD: &str = "Battlecard: Acme Cloud against the big three";
const PLAYBOOK: &str = "Managed services playbook";
const PRICING: &str = "Pricing calculator";
const ROADMAP: &str = "Roadmap briefing (recording)";

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n";

async fn library(app: &TestApp, client: &reqwest::Client) -> Vec<Value> {
    let (status, body) = app.call(client, "content_library", &[]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["items"].as_array().cloned().expect("items")
}

fn titled<'a>(items: &'a [Value], title: &str) -> Option<&'a Value> {
    items.iter().find(|item| item["title"] == title)
}

/// The id of the demo item `title`, as marketing sees it.
async fn item_id(app: &TestApp, title: &str) -> i64 {
    let marketing = app.sign_in(MARKETING).await;
    let items = library(app, &marketing).await;
    titled(&items, title).and_then(|item| item["id"].as_i64()).expect("a demo item")
}

async fn get(app: &TestApp, client: &reqwest::Client, path: &str) -> reqwest::Response {
    client.get(format!("{}{path}", app.base)).send().await.expect("request reaches the server")
}

/// Posts the upload form: `fields` and the file, as a browser does.
async fn upload(
    app: &TestApp,
    client: &reqwest::Client,
    fields: &[(&str, &str)],
    file: (&str, Vec<u8>),
) -> (StatusCode, Value) {
    app.post_file(client, "upload_content", fields, ("file", file.0, file.1)).await
}

async fn each_partner_sees_what_its_tier_and_type_open(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    // Bluepeak: a Gold reseller.
    let bluepeak = app.sign_in(BLUEPEAK).await;
    let items = library(&app, &bluepeak).await;
    assert!(
        titled(&items, PLAYBOOK).is_none(),
        "an item for managed-service providers only is not shown to a reseller"
    );
    let battlecard = titled(&items, BATTLECARD).expect("Gold opens the battlecard");
    assert_eq!(battlecard["locked"], false);
    assert_eq!(battlecard["downloads"], 2, "its own downloads: {battlecard}");
    let roadmap = titled(&items, ROADMAP).expect("a Platinum item is shown");
    assert_eq!((roadmap["locked"].as_bool(), roadmap["unlocked_by"].as_str()), (Some(true), Some("Platinum")));
    assert!(roadmap["url"].is_null(), "a locked link keeps its address: {roadmap}");
    assert_eq!(
        titled(&items, PRICING).and_then(|item| item["url"].as_str()).map(|url| url.starts_with("https://")),
        Some(true)
    );
    assert!(body_has_no_manage(&app, &bluepeak).await, "partners do not manage the library");

    // Copperline: a Silver managed-service provider.
    let copperline = app.sign_in(COPPERLINE).await;
    let items = library(&app, &copperline).await;
    assert_eq!(titled(&items, PLAYBOOK).map(|item| &item["locked"]), Some(&Value::Bool(false)), "its type's own item");
    assert_eq!(
        titled(&items, BATTLECARD).map(|item| &item["locked"]),
        Some(&Value::Bool(true)),
        "Silver is below Gold"
    );
    assert_eq!(titled(&items, BROCHURE).map(|item| &item["downloads"]), Some(&Value::from(1)), "its own count only");

    // A search by a word and a tag; marketing sees everything, with every partner's downloads.
    let (_, found) = app.call(&copperline, "content_library", &[("q", "PLAYBOOK"), ("tag", "services")]).await;
    let found: Vec<&str> =
        found["items"].as_array().expect("items").iter().filter_map(|item| item["title"].as_str()).collect();
    assert_eq!(found, [PLAYBOOK]);
    let marketing = app.sign_in(MARKETING).await;
    let (_, everything) = app.call(&marketing, "content_library", &[]).await;
    assert_eq!(everything["items"].as_array().map(Vec::len), Some(6), "{everything}");
    assert!(everything["manage"]["tiers"].as_array().is_some_and(|tiers| tiers.len() == 4), "{everything}");
    let brochure = titled(everything["items"].as_array().expect("items"), BROCHURE).cloned().expect("brochure");
    assert_eq!(brochure["downloads"], 4, "Bluepeak's 3 and Copperline's 1");
    app.stop().await;
}

/// Whether the library answers `client` without the managers' choices.
async fn body_has_no_manage(app: &TestApp, client: &reqwest::Client) -> bool {
    let (_, body) = app.call(client, "content_library", &[]).await;
    body["manage"].is_null()
}

async fn a_gated_file_is_not_served_by_its_address_and_an_open_one_is_counted(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let battlecard = item_id(&app, BATTLECARD).await;
    let playbook = item_id(&app, PLAYBOOK).await;
    let roadmap = item_id(&app, ROADMAP).await;
    let pricing = item_id(&app, PRICING).await;
    let copperline = app.sign_in(COPPERLINE).await;
    let bluepeak = app.sign_in(BLUEPEAK).await;

    // Below the tier: refused, saying which tier opens it; of another type: "not found", as for an id that does not exist.
    let refused = get(&app, &copperline, &format!("/content/{battlecard}/file")).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert!(refused.text().await.expect("text").contains("Gold partners and above"));
    assert_eq!(get(&app, &copperline, &format!("/content/{roadmap}/link")).await.status(), StatusCode::FORBIDDEN);
    for path in [format!("/content/{playbook}/file"), "/content/999999/file".into(), "/content/x/file".into()] {
        assert_eq!(get(&app, &bluepeak, &path).await.status(), StatusCode::NOT_FOUND, "{path}");
    }
    assert_eq!(
        get(&app, &bluepeak, &format!("/content/{pricing}/file")).await.status(),
        StatusCode::NOT_FOUND,
        "a link is no file"
    );
    let stranger = app.client();
    let anonymous = get(&app, &stranger, &format!("/content/{battlecard}/file")).await;
    assert_eq!(
        (anonymous.status(), anonymous.headers().get(LOCATION).and_then(|v| v.to_str().ok())),
        (StatusCode::SEE_OTHER, Some("/sign-in"))
    );

    // Open: the file as kept, to download and never to run; each download counted for the partner.
    let counted = || app.count("SELECT CAST(COALESCE(SUM(downloads), 0) AS BIGINT) FROM content_downloads");
    let before = counted().await;
    let download = get(&app, &bluepeak, &format!("/content/{battlecard}/file")).await;
    assert_eq!(download.status(), StatusCode::OK);
    let header = |name| download.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    assert_eq!(header(CONTENT_TYPE), "application/pdf");
    assert_eq!(header(X_CONTENT_TYPE_OPTIONS), "nosniff");
    assert!(header(CONTENT_DISPOSITION).starts_with("attachment; filename=\"battlecard-big-three.pdf\""));
    assert!(download.bytes().await.expect("body").starts_with(b"%PDF-"));
    assert_eq!(counted().await, before + 1);
    let link = get(&app, &bluepeak, &format!("/content/{pricing}/link")).await;
    assert_eq!(link.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        link.headers().get(LOCATION).and_then(|v| v.to_str().ok()),
        Some("https://www.acme.example/partners/pricing-calculator")
    );
    assert_eq!(counted().await, before + 2);
    // Vendor staff open anything and are not counted as a partner.
    let marketing = app.sign_in(MARKETING).await;
    assert_eq!(get(&app, &marketing, &format!("/content/{playbook}/file")).await.status(), StatusCode::OK);
    assert_eq!(counted().await, before + 2);
    app.stop().await;
}

async fn an_oversized_or_disguised_upload_is_refused_and_nothing_is_kept(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let marketing = app.sign_in(MARKETING).await;
    let items = || app.count("SELECT COUNT(*) FROM content_items");
    let (count, files) = (items().await, app.kept_files());
    assert_eq!(files.len(), 6, "the demo's four library files and two MDF proofs: {files:?}");
    let fields = [("title", "Price list"), ("tags", "Pricing")];

    let mut oversized = PDF.to_vec();
    oversized.resize(26 * 1024 * 1024, b' ');
    let refusals: [(&str, Vec<u8>, &str); 4] = [
        ("price-list.pdf", oversized, "The file is 26.0 MB; a file for the library may be at most 25 MB."),
        ("price-list.png", PDF.to_vec(), "This file is a PDF, not the .png its name says"),
        ("price-list.pdf", b"<html><script>alert(1)</script></html>".to_vec(), "text/html"),
        ("price-list.pdf", b"MZ\x90\x00\x03\x00\x00\x00 a program".to_vec(), "the library keeps PDF"),
    ];
    for (name, bytes, said) in refusals {
        let (status, body) = upload(&app, &marketing, &fields, (name, bytes)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{name}: {body}");
        assert!(body["fields"]["file"].as_str().is_some_and(|message| message.contains(said)), "{name}: {body}");
    }
    // A good file with a bad field: the field is named, and the file is not kept either.
    let (status, body) =
        upload(&app, &marketing, &[("title", " "), ("tier", "999")], ("price-list.pdf", PDF.to_vec())).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["fields"]["title"].is_string() && body["fields"]["tier"].is_string(), "{body}");
    // Partners and channel managers do not add to the library.
    for who in [BLUEPEAK, "cam@acme.test"] {
        let client = app.sign_in(who).await;
        assert_eq!(
            upload(&app, &client, &fields, ("price-list.pdf", PDF.to_vec())).await.0,
            StatusCode::FORBIDDEN,
            "{who}"
        );
    }
    assert_eq!((items().await, app.kept_files()), (count, files.clone()), "nothing was kept");

    // Accepted: kept by its content's hash, for the tier and types chosen.
    let msp = {
        let (_, library) = app.call(&marketing, "content_library", &[]).await;
        let types = library["manage"]["types"].as_array().cloned().expect("types");
        types.iter().find(|kind| kind[1] == "MSP").and_then(|kind| kind[0].as_i64()).expect("MSP")
    };
    let msp = msp.to_string();
    let fields = [("title", "Price list"), ("tags", "Pricing"), ("types[]", msp.as_str())];
    let (status, body) = upload(&app, &marketing, &fields, ("C:\\Users\\lea\\price-list.pdf", PDF.to_vec())).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(items().await, count + 1);
    let kept = app.kept_files();
    assert_eq!(kept.len(), files.len() + 1);
    let new = kept.iter().find(|path| !files.contains(path)).expect("the new file");
    assert_eq!(std::fs::read(new).expect("readable"), PDF);
    let copperline = app.sign_in(COPPERLINE).await;
    let price_list = titled(&library(&app, &copperline).await, "Price list").cloned().expect("an MSP sees it");
    assert_eq!(price_list["file"]["name"], "price-list.pdf", "{price_list}");
    let bluepeak = app.sign_in(BLUEPEAK).await;
    assert!(titled(&library(&app, &bluepeak).await, "Price list").is_none(), "a reseller does not");
    app.stop().await;
}

async fn managers_regate_and_remove_items_and_the_last_user_of_a_file_takes_it_along(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let marketing = app.sign_in(MARKETING).await;
    let brochure = item_id(&app, BROCHURE).await;
    let (status, detail) = app.call(&marketing, "content_item", &[("id", &brochure.to_string())]).await;
    assert_eq!(status, StatusCode::OK, "{detail}");
    assert_eq!(detail["downloads"].as_array().map(Vec::len), Some(2), "Bluepeak and Copperline: {detail}");
    let platinum = detail["choices"]["tiers"]
        .as_array()
        .and_then(|tiers| tiers.iter().find(|tier| tier[1] == "Platinum"))
        .and_then(|tier| tier[0].as_i64())
        .expect("Platinum")
        .to_string();
    let id = brochure.to_string();
    let change = [("id", id.as_str()), ("title", BROCHURE), ("tags", "Cloud"), ("tier", platinum.as_str())];

    // Only its managers change it; a bad address for a link is named.
    let bluepeak = app.sign_in(BLUEPEAK).await;
    assert_eq!(app.call(&bluepeak, "save_content", &change).await.0, StatusCode::FORBIDDEN);
    assert_eq!(app.call(&bluepeak, "content_item", &[("id", id.as_str())]).await.0, StatusCode::FORBIDDEN);
    let (status, body) =
        app.call(&marketing, "add_content_link", &[("title", "Guide"), ("url", "javascript:alert(1)")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["fields"]["url"].is_string(), "{body}");

    // Raised to Platinum, Bluepeak (Gold) sees it locked and cannot download it.
    let (status, body) = app.call(&marketing, "save_content", &change).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let items = library(&app, &bluepeak).await;
    assert_eq!(titled(&items, BROCHURE).map(|item| &item["locked"]), Some(&Value::Bool(true)));
    assert_eq!(get(&app, &bluepeak, &format!("/content/{brochure}/file")).await.status(), StatusCode::FORBIDDEN);

    // The same file uploaded again is kept once; removing one item keeps the file for the other.
    let download =
        get(&app, &marketing, &format!("/content/{brochure}/file")).await.bytes().await.expect("file").to_vec();
    let files = app.kept_files();
    let (status, body) = upload(&app, &marketing, &[("title", "Brochure again")], ("again.pdf", download)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(app.kept_files(), files, "the same content is one file");
    let (status, body) = app.call(&marketing, "remove_content", &[("id", id.as_str())]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(app.kept_files(), files, "the other item still has it");
    assert_eq!(get(&app, &marketing, &format!("/content/{brochure}/file")).await.status(), StatusCode::NOT_FOUND);
    let again = item_id(&app, "Brochure again").await;
    let (status, _) = app.call(&marketing, "remove_content", &[("id", &again.to_string())]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(app.kept_files().len(), files.len() - 1, "its last item took the file along");
    assert_eq!(app.call(&marketing, "remove_content", &[("id", &again.to_string())]).await.0, StatusCode::NOT_FOUND);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM content_downloads WHERE item_id NOT IN (SELECT id FROM content_items)").await,
        0
    );
    app.stop().await;
}
