//! The partner types and regions lists in the database, and their one writer ([`change`]).

use chrono::{DateTime, Utc};

use super::{ListChange, ListValue, Lists, ProgramList, check_name};
use crate::audit::{self, AuditAction};
use crate::db::{Db, Tx};
use crate::{execute_in, on_db, on_tx};

crate::statements! {
    const TYPES = "SELECT pt.id, pt.name, pt.retired_at IS NOT NULL AS retired, \
        (SELECT COUNT(*) FROM organisations o WHERE o.partner_type_id = pt.id) AS partners, \
        (SELECT COUNT(*) FROM onboarding_steps s WHERE s.partner_type_id = pt.id) AS made_for, \
        (SELECT COUNT(*) FROM content_types c WHERE c.partner_type_id = pt.id) AS content \
        FROM partner_types pt ORDER BY pt.name";
    const REGIONS = "SELECT r.id, r.name, r.retired_at IS NOT NULL AS retired, \
        (SELECT COUNT(*) FROM organisations o WHERE o.kind = 'partner' AND lower(o.region) = lower(r.name)) AS partners, \
        CAST(0 AS BIGINT) AS made_for, CAST(0 AS BIGINT) AS content FROM regions r ORDER BY r.name";
    const ADD_TYPE = "INSERT INTO partner_types (name) VALUES ($1)";
    const ADD_REGION = "INSERT INTO regions (name) VALUES ($1)";
    const RETIRE_TYPE = "UPDATE partner_types SET retired_at = $1 WHERE id = $2";
    const RETIRE_REGION = "UPDATE regions SET retired_at = $1 WHERE id = $2";
    const DELETE_TYPE = "DELETE FROM partner_types WHERE id = $1";
    const DELETE_REGION = "DELETE FROM regions WHERE id = $1";
}

/// Both lists with how much uses each value.
pub async fn lists(db: &Db) -> Result<Lists, sqlx::Error> {
    on_db!(db, pool => {
        let types = sqlx::query_as(TYPES).fetch_all(pool).await?;
        let regions = sqlx::query_as(REGIONS).fetch_all(pool).await?;
        Ok(Lists { types, regions })
    })
}

/// One list's values.
pub async fn values(db: &Db, list: ProgramList) -> Result<Vec<ListValue>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_as(select(list)).fetch_all(pool).await)
}

fn select(list: ProgramList) -> &'static str {
    match list {
        ProgramList::PartnerTypes => TYPES,
        ProgramList::Regions => REGIONS,
    }
}

/// Why a change was not made: the value is not on the list, or the change does not fit it (a
/// message for the field it names).
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    NotFound,
    Field(&'static str, String),
}

/// Makes `change` to `list`, by `by` at `now`, with its audit entry: adds `name`, or retires,
/// restores or deletes the value `id`. The list is read again inside the change, under the key a
/// partner's profile takes to choose a region, so no value is deleted or retired while it is given.
pub async fn change(
    db: &Db,
    list: ProgramList,
    change: ListChange,
    id: Option<i64>,
    name: &str,
    (by, now): (i64, DateTime<Utc>),
) -> Result<Result<String, Refused>, sqlx::Error> {
    let mut tx = db.begin().await?;
    tx.exclude_others("program_lists").await?;
    let values: Vec<ListValue> = on_tx!(tx, conn => sqlx::query_as(select(list)).fetch_all(conn).await)?;
    let outcome = apply(&mut tx, list, change, &values, id, name, now).await?;
    let said = match outcome {
        Ok(said) => said,
        Err(refused) => {
            tx.rollback().await?;
            return Ok(Err(refused));
        }
    };
    audit::record(&mut tx, by, AuditAction::ChangedProgramList, &said, now).await?;
    tx.commit().await?;
    Ok(Ok(said))
}

/// The change's write, and what the audit log says of it.
async fn apply(
    tx: &mut Tx,
    list: ProgramList,
    change: ListChange,
    values: &[ListValue],
    id: Option<i64>,
    name: &str,
    now: DateTime<Utc>,
) -> Result<Result<String, Refused>, sqlx::Error> {
    let (add, retire, delete) = match list {
        ProgramList::PartnerTypes => (ADD_TYPE, RETIRE_TYPE, DELETE_TYPE),
        ProgramList::Regions => (ADD_REGION, RETIRE_REGION, DELETE_REGION),
    };
    let found = id.and_then(|id| values.iter().find(|value| value.id == id));
    let said = |done: &str, value: &ListValue| format!("{}: {done} {}", list.title(), value.name);
    match (change, found) {
        (ListChange::Add, _) => {
            let name = match check_name(name, list, values) {
                Ok(name) => name,
                Err(message) => return Ok(Err(Refused::Field("name", message))),
            };
            execute_in!(tx, sqlx::query(add).bind(&name))?;
            Ok(Ok(format!("{}: added {name}", list.title())))
        }
        (_, None) => Ok(Err(Refused::NotFound)),
        (ListChange::Retire, Some(value)) if value.retired => {
            Ok(Err(Refused::Field("id", format!("{} is retired already.", value.name))))
        }
        (ListChange::Restore, Some(value)) if !value.retired => {
            Ok(Err(Refused::Field("id", format!("{} is not retired.", value.name))))
        }
        (ListChange::Retire, Some(value)) => {
            execute_in!(tx, sqlx::query(retire).bind(Some(now)).bind(value.id))?;
            Ok(Ok(said("retired", value)))
        }
        (ListChange::Restore, Some(value)) => {
            execute_in!(tx, sqlx::query(retire).bind(None::<DateTime<Utc>>).bind(value.id))?;
            Ok(Ok(said("restored", value)))
        }
        (ListChange::Delete, Some(value)) => match value.in_use_text() {
            Some(uses) => Ok(Err(Refused::Field(
                "id",
                format!("{} is in use ({uses}): retire it instead, so nobody new is given it.", value.name),
            ))),
            None => {
                execute_in!(tx, sqlx::query(delete).bind(value.id))?;
                Ok(Ok(said("deleted", value)))
            }
        },
    }
}
