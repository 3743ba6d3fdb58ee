//! The vendor's pipeline in the database.

use chrono::{DateTime, Utc};

use crate::audit::{self, AuditAction};
use crate::db::Db;
use crate::deals::PipelineSummary;
use crate::deals::matching;
use crate::deals::pipeline::PipelineRow;
use crate::{execute_in, on_db};

crate::statements! {
    const UPSERT = "INSERT INTO vendor_pipeline (reference, customer_company, company_key, name_prefix, \
        customer_domain, amount_minor, currency, stage, owner, imported_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
        ON CONFLICT (reference) DO UPDATE SET customer_company = excluded.customer_company, \
        company_key = excluded.company_key, name_prefix = excluded.name_prefix, \
        customer_domain = excluded.customer_domain, amount_minor = excluded.amount_minor, \
        currency = excluded.currency, stage = excluded.stage, owner = excluded.owner, imported_at = excluded.imported_at";
    const SUMMARY = "SELECT COUNT(*), MAX(imported_at) FROM vendor_pipeline";
}

/// Adds the rows, replacing any with the same reference; all in one transaction, with its audit entry.
pub async fn import(db: &Db, rows: &[PipelineRow], actor_id: i64, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    for row in rows {
        execute_in!(
            tx,
            sqlx::query(UPSERT)
                .bind(&row.reference)
                .bind(&row.customer_company)
                .bind(&row.company_key)
                .bind(matching::name_prefix(&row.company_key))
                .bind(&row.customer_domain)
                .bind(row.amount.minor)
                .bind(row.amount.currency.code())
                .bind(&row.stage)
                .bind(&row.owner)
                .bind(now)
        )?;
    }
    let subject = format!("{} opportunities", rows.len());
    audit::record(&mut tx, actor_id, AuditAction::ImportedPipeline, &subject, now).await?;
    tx.commit().await
}

pub async fn summary(db: &Db) -> Result<PipelineSummary, sqlx::Error> {
    let (opportunities, last_import): (i64, Option<DateTime<Utc>>) =
        on_db!(db, pool => sqlx::query_as(SUMMARY).fetch_one(pool).await)?;
    Ok(PipelineSummary { opportunities, last_import })
}
