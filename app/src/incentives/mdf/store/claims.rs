//! MDF claims in the database: a claim with its first proof file, more proof while it waits, and
//! the decision, which for an approval writes the payable ledger entry and approves it, all in
//! one transaction and at most once however many decide at the same moment.

use chrono::{DateTime, Utc};

use super::{event, tell_funds_waiting};
use crate::audit::{self, AuditAction};
use crate::db::{Db, Tx};
use crate::incentives::ledger::{EntryKind, NewEntry, quarter_of};
use crate::incentives::mdf::rules::{ClaimState, Fund, Move, RequestState};
use crate::incentives::mdf::{ClaimRecord, NewClaim, ProofRow, RequestRecord};
use crate::mail;
use crate::notifications::{self, Notice};
use crate::{execute_in, on_db, on_tx};

crate::statements! {
    const CLAIMS = "SELECT c.id, u.name AS claimed_by, c.amount_minor, c.currency, c.results, c.state, c.reason, c.entry_id, \
        c.claimed_at FROM mdf_claims c JOIN users u ON u.id = c.claimed_by WHERE c.request_id = $1 ORDER BY c.id DESC";
    const PROOFS = "SELECT p.id, p.claim_id, p.name, p.media_type, p.size_bytes FROM mdf_proofs p \
        JOIN mdf_claims c ON c.id = p.claim_id WHERE c.request_id = $1 ORDER BY p.id";
    const PROOF = "SELECT c.organisation_id, p.hash, p.name, p.media_type FROM mdf_proofs p \
        JOIN mdf_claims c ON c.id = p.claim_id WHERE p.id = $1";
    const STANDING = "SELECT COUNT(*) FROM mdf_claims WHERE request_id = $1 AND state <> 'rejected'";
    const STATE_OF_REQUEST = "SELECT state FROM mdf_requests WHERE id = $1";
    const INSERT_CLAIM = "INSERT INTO mdf_claims (request_id, organisation_id, claimed_by, amount_minor, currency, results, \
        state, claimed_at) VALUES ($1, $2, $3, $4, $5, $6, 'claimed', $7) RETURNING id";
    const INSERT_PROOF = "INSERT INTO mdf_proofs (claim_id, hash, name, media_type, size_bytes, added_by, added_at) \
        VALUES ($1, $2, $3, $4, $5, $6, $7)";
    const PROOFS_OF_CLAIM = "SELECT COUNT(*) FROM mdf_proofs WHERE claim_id = $1";
    const WAITING_CLAIM = "SELECT id FROM mdf_claims WHERE request_id = $1 AND state = 'claimed'";
    const DECIDE = "UPDATE mdf_claims SET state = $2, reason = $3, decided_by = $4, decided_at = $5 \
        WHERE id = $1 AND state = 'claimed'";
    const CLAIM_AMOUNT = "SELECT amount_minor, currency FROM mdf_claims WHERE id = $1";
    const PAID_BY = "UPDATE mdf_claims SET entry_id = $2 WHERE id = $1";
    const TOUCH = "UPDATE mdf_requests SET updated_at = $2 WHERE id = $1";
}

/// A file of proof, as checked: its content, the name it is offered under, and its type.
#[derive(Clone, Copy, Debug)]
pub struct NewProof<'a> {
    pub hash: &'a str,
    pub name: &'a str,
    pub media_type: &'a str,
    pub size_bytes: i64,
}

/// Request `request_id`'s claims, newest first, each with its proof.
pub async fn claims(db: &Db, request_id: i64) -> Result<Vec<ClaimRecord>, sqlx::Error> {
    let (mut claims, proofs): (Vec<ClaimRecord>, Vec<ProofRow>) = on_db!(db, pool => {
        let claims = sqlx::query_as(CLAIMS).bind(request_id).fetch_all(pool).await?;
        let proofs = sqlx::query_as(PROOFS).bind(request_id).fetch_all(pool).await?;
        Ok::<_, sqlx::Error>((claims, proofs))
    })?;
    for proof in proofs {
        if let Some(claim) = claims.iter_mut().find(|claim| claim.id == proof.claim_id) {
            claim.proofs.push(proof);
        }
    }
    Ok(claims)
}

/// Proof file `id`: the partner whose claim it belongs to, its hash, name and type.
pub async fn proof(db: &Db, id: i64) -> Result<Option<(i64, String, String, String)>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_as(PROOF).bind(id).fetch_optional(pool).await)
}

/// Stores a claim of `request` (executed, with no claim waiting or approved: checked again under
/// MDF's lock) with its first proof file, by the partner's person `by`; `None` when the request
/// changed meanwhile. With `notify` (the portal's public address), its channel manager is told.
pub async fn claim(
    db: &Db,
    request: &RequestRecord,
    new: &NewClaim,
    proof: NewProof<'_>,
    (by, notify): (i64, Option<&str>),
    at: DateTime<Utc>,
) -> Result<Option<i64>, sqlx::Error> {
    let mut tx = db.begin().await?;
    tx.exclude_others("mdf").await?;
    let state: RequestState =
        on_tx!(tx, conn => sqlx::query_scalar(STATE_OF_REQUEST).bind(request.id).fetch_one(conn).await)?;
    let standing: i64 = on_tx!(tx, conn => sqlx::query_scalar(STANDING).bind(request.id).fetch_one(conn).await)?;
    if state != RequestState::Executed || standing > 0 {
        tx.rollback().await?;
        return Ok(None);
    }
    let id: i64 = on_tx!(tx, conn => sqlx::query_scalar(INSERT_CLAIM)
        .bind(request.id).bind(request.organisation_id).bind(by).bind(new.amount_minor).bind(&request.currency)
        .bind(&new.results).bind(at)
        .fetch_one(conn).await)?;
    insert_proof(&mut tx, id, proof, by, at).await?;
    event(&mut tx, request.id, Move::Claim(ClaimState::Claimed), by, &new.results, at).await?;
    execute_in!(tx, sqlx::query(TOUCH).bind(request.id).bind(at))?;
    if let Some(public_url) = notify {
        let amount = crate::money::amount_text(new.amount_minor, &request.currency);
        let link = format!("{public_url}/mdf/{}", request.id);
        let names = request.fund.names();
        let message = |partner: &str| mail::mdf_claimed(names, partner, &request.title, &amount, &link);
        tell_funds_waiting(&mut tx, request.organisation_id, message, format!("/mdf/{}", request.id), at).await?;
    }
    tx.commit().await?;
    Ok(Some(id))
}

async fn insert_proof(
    tx: &mut Tx,
    claim: i64,
    proof: NewProof<'_>,
    by: i64,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    execute_in!(
        tx,
        sqlx::query(INSERT_PROOF)
            .bind(claim)
            .bind(proof.hash)
            .bind(proof.name)
            .bind(proof.media_type)
            .bind(proof.size_bytes)
            .bind(by)
            .bind(at)
    )?;
    Ok(())
}

/// The most proof files a claim holds.
pub const MAX_PROOFS: i64 = 20;

/// Why a proof file was not added.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProofRefused {
    /// No claim of the request waits (it was decided meanwhile).
    NoWaitingClaim,
    /// The claim holds [`MAX_PROOFS`] files already.
    Full,
}

/// Adds a proof file to request `request_id`'s waiting claim.
pub async fn add_proof(
    db: &Db,
    request_id: i64,
    proof: NewProof<'_>,
    by: i64,
    at: DateTime<Utc>,
) -> Result<Result<(), ProofRefused>, sqlx::Error> {
    let mut tx = db.begin().await?;
    tx.exclude_others("mdf").await?;
    let waiting: Option<i64> =
        on_tx!(tx, conn => sqlx::query_scalar(WAITING_CLAIM).bind(request_id).fetch_optional(conn).await)?;
    let Some(claim) = waiting else {
        tx.rollback().await?;
        return Ok(Err(ProofRefused::NoWaitingClaim));
    };
    let held: i64 = on_tx!(tx, conn => sqlx::query_scalar(PROOFS_OF_CLAIM).bind(claim).fetch_one(conn).await)?;
    if held >= MAX_PROOFS {
        tx.rollback().await?;
        return Ok(Err(ProofRefused::Full));
    }
    insert_proof(&mut tx, claim, proof, by, at).await?;
    tx.commit().await?;
    Ok(Ok(()))
}

/// Decides `request`'s waiting claim as manager `by`: `to` is approved or rejected (`note`, the
/// reason). An approval writes the claim's payable MDF entry through the ledger's writer and
/// approves it, so the next payout run of its quarter pays it. Only the first of several
/// decisions at once finds the claim waiting; the others change nothing (`false`).
pub async fn decide(
    db: &Db,
    request: &RequestRecord,
    to: ClaimState,
    note: &str,
    (by, notify): (i64, Option<&str>),
    at: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin().await?;
    tx.exclude_others("mdf").await?;
    let waiting: Option<i64> =
        on_tx!(tx, conn => sqlx::query_scalar(WAITING_CLAIM).bind(request.id).fetch_optional(conn).await)?;
    let Some(claim) = waiting else {
        tx.rollback().await?;
        return Ok(false);
    };
    let reason = (!note.is_empty()).then_some(note);
    if execute_in!(tx, sqlx::query(DECIDE).bind(claim).bind(to).bind(reason).bind(by).bind(at))? == 0 {
        tx.rollback().await?;
        return Ok(false);
    }
    if to == ClaimState::Approved {
        let (amount_minor, currency): (i64, String) =
            on_tx!(tx, conn => sqlx::query_as(CLAIM_AMOUNT).bind(claim).fetch_one(conn).await)?;
        let entry = claim_entry(request, amount_minor, &currency, by, at);
        let ids = crate::incentives::store::append(&mut tx, &[entry]).await?;
        crate::incentives::store::approve(&mut tx, &ids, by, at).await?;
        if let Some(entry) = ids.first() {
            execute_in!(tx, sqlx::query(PAID_BY).bind(claim).bind(entry))?;
        }
    }
    event(&mut tx, request.id, Move::Claim(to), by, note, at).await?;
    execute_in!(tx, sqlx::query(TOUCH).bind(request.id).bind(at))?;
    let said = format!("MDF claim #{claim} of request #{}: {}", request.id, to.label());
    audit::record(&mut tx, by, AuditAction::DecidedMdfClaim, &said, at).await?;
    let data = serde_json::json!({
        "claim_id": claim,
        "request_id": request.id,
        "organisation_id": request.organisation_id,
        "fund": request.fund.as_str(),
        "title": request.title,
        "decision": to.as_str(),
        "reason": reason,
    });
    crate::webhooks::store::record(&mut tx, crate::webhooks::EventKind::ClaimDecided, &data, at).await?;
    if let Some(public_url) = notify {
        let outcome = to.as_str();
        let link = format!("{public_url}/mdf/{}", request.id);
        let message = mail::mdf_decided(request.fund.names(), (&request.title, "claim"), outcome, reason, &link);
        let notice = Notice { kind: notifications::Kind::Funds, message, path: format!("/mdf/{}", request.id) };
        notifications::store::tell_partner_admins(&mut tx, request.organisation_id, &notice, at).await?;
    }
    tx.commit().await?;
    Ok(true)
}

/// The ledger entry an approved claim of `amount_minor` becomes: MDF or co-op (as the request
/// drew on), payable to the request's partner, booked in the quarter of approval.
pub fn claim_entry(request: &RequestRecord, amount_minor: i64, currency: &str, by: i64, at: DateTime<Utc>) -> NewEntry {
    NewEntry {
        organisation_id: request.organisation_id,
        kind: match request.fund {
            Fund::Mdf => EntryKind::Mdf,
            Fund::Coop => EntryKind::Coop,
        },
        deal_id: None,
        amount_minor,
        currency: currency.to_owned(),
        basis_minor: None,
        rate_bp: None,
        period_start: quarter_of(at.date_naive()),
        description: format!("{} claim for \u{201c}{}\u{201d}", request.fund.label(), request.title),
        reverses: None,
        booked_by: Some(by),
        booked_at: at,
        spiff_id: None,
        rep_id: None,
        mdf_request_id: Some(request.id),
    }
}
