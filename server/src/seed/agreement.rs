//! The demo's partner agreement: two versions, the second published six days ago with 30 days to
//! accept; most partners accepted both, some only the first (they see a banner), and the four
//! newest partners none (their people are sent to the agreement first).

use app::agreement::store::{self, Signature};
use app::agreement::{Deadline, NewVersion};
use app::db::Db;
use app::on_db;
use chrono::{Duration, Utc};

use super::{PARTNERS, SeedError};

/// The partners that have accepted no version yet: new, still onboarding.
pub const NOT_ACCEPTED: [&str; 4] = ["Harbor Referrals", "Tidewater Managed IT", "Nimbus Labs", "Ironbridge Systems"];

/// The terms both versions share.
const TERMS: &str = "## 1. Appointment

Acme appoints the Partner as a non-exclusive partner to market and resell Acme Cloud products in
the Partner's region, on the terms of the partner program in force.

## 2. Deal registration

1. The Partner registers each opportunity in Tessera before quoting it.
2. An approved registration is protected for 90 days and may be extended once.
3. Acme decides on a registration within two business days.

## 3. Incentives

Margins, rebates and market development funds follow the Partner's tier, as published in the
portal. Incentives are paid in the currency of the deal.

## 4. Brand and marketing

The Partner uses Acme's marks only as the brand guidelines allow, and co-branded material only
as approved in the portal.

## 5. Term

This agreement runs for one year and renews itself unless either party ends it with 30 days'
notice.
";

const PARTIES: &str = "This agreement is between **Acme Cloud** (\"Acme\") and the partner organisation named on its
acceptance (\"the Partner\").";

fn first_text() -> String {
    format!("# Acme Cloud Partner Agreement\n\n{PARTIES}\n\n{TERMS}")
}

fn second_text() -> String {
    format!(
        "# Acme Cloud Partner Agreement 2027\n\n{PARTIES} It replaces the agreement of last year.\n\n\
         ## What changed\n\n\
         - A **data protection addendum** (section 6).\n\
         - Extensions of deal registrations are decided within two business days.\n\
         - Certifications expire after 12 months and count toward tier requirements only while active.\n\n\
         {TERMS}\n\
         ## 6. Data protection\n\n\
         Each party processes the other's personal data only to run the partner program, keeps it\n\
         confidential and deletes it when the agreement ends. Details: <https://acme.example/dpa>.\n"
    )
}

/// Publishes the two versions and records the acceptances, unless a version exists already.
pub async fn demo(db: &Db, admin: i64) -> Result<(), SeedError> {
    if store::current(db).await?.is_some() {
        return Ok(());
    }
    let now = Utc::now();
    let first =
        NewVersion { title: "Acme Cloud Partner Agreement".into(), body: first_text(), deadline: Deadline::AtOnce };
    let second = NewVersion {
        title: "Acme Cloud Partner Agreement 2027".into(),
        body: second_text(),
        deadline: Deadline::WithinDays(30),
    };
    let first_at = now - Duration::days(400);
    let second_at = now - Duration::days(6);
    store::publish(db, admin, &first, None, first_at).await?;
    let first_id = store::current(db).await?.map(|version| version.id).ok_or(sqlx::Error::RowNotFound)?;
    store::publish(db, admin, &second, None, second_at).await?;
    let second_id = store::current(db).await?.map(|version| version.id).ok_or(sqlx::Error::RowNotFound)?;
    for (index, (name, domain, ..)) in PARTNERS.into_iter().enumerate() {
        if NOT_ACCEPTED.contains(&name) {
            continue;
        }
        let (organisation_id, user_id, signer) = partner_admin(db, &format!("partner@{domain}")).await?;
        let address = format!("198.51.100.{}", 10 + index);
        let sign = |version_id: i64, version_number: i64| Signature {
            organisation_id,
            organisation_name: name,
            version_id,
            version_number,
            user_id,
            typed_name: &signer,
            client_address: &address,
        };
        // Partners still onboarding joined lately: their clock runs from this acceptance.
        let first_signed = match super::onboarding::ONBOARDING.iter().find(|(joiner, _)| *joiner == name) {
            Some((_, days_ago)) => now - Duration::days(*days_ago),
            None => first_at + Duration::days(1 + index as i64),
        };
        store::accept(db, sign(first_id, 1), first_signed).await?;
        // Every third partner after the first three has not accepted the new version yet: a
        // banner asks it to (Granite Integration's people see it).
        if index < 3 || index % 3 != 2 {
            let second_signed = (second_at + Duration::hours(2 + index as i64)).min(now);
            store::accept(db, sign(second_id, 2), second_signed).await?;
        }
    }
    Ok(())
}

async fn partner_admin(db: &Db, email: &str) -> Result<(i64, i64, String), SeedError> {
    Ok(on_db!(db, pool => sqlx::query_as("SELECT organisation_id, id, name FROM users WHERE email = $1")
        .bind(email).fetch_one(pool).await)?)
}
