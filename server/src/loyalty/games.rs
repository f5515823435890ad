//! Scratch cards and prize wheels, provably fair (protocol.md §12, §14). Each member has a current
//! draw seed, committed (`draw_seed` entity) before the wallet sets its client seed; a ticket is
//! drawn when it is issued (or, issued before the client seed, as soon as it is set), so the
//! wallet can reveal it offline; the prize's stock is taken at the draw under the write lock, so
//! concurrent draws never oversell; `ticket.play` gives the prize once; rotating reveals the seed.

use super::campaign_rule::CampaignRule;
use super::gifts::{self, Gift};
use super::rules::MerchantRules;
use super::{rejected, MemberRow};
use crate::store::entities::{self, new_id, to_data, Audience, EntityBatch, Param, Statement};
use crate::store::secrets::random_bytes;
use crate::store::StoreError;
use sqlx::{AnyConnection, FromRow};
use wallet_core::fair_draw::{commitment, draw, ClientSeed, PrizeTable, ServerSeed};
use wallet_core::games::{
    draw_set_client_seed, ticket_play, DrawSeedData, PrizeDisplay, TicketData, TicketState,
};
use wallet_core::loyalty::{CouponSource, LedgerReason};
use wallet_core::loyalty_rules::{day_start, local_day};
use wallet_core::sync::{EntityKind, MutationOutcome};

#[derive(Clone, FromRow)]
pub(super) struct SeedRow {
    pub(super) id: String,
    pub(super) seed: String,
    pub(super) commitment: String,
    pub(super) client_seed: Option<String>,
    pub(super) created_at: i64,
    pub(super) revealed_at: Option<i64>,
}

#[derive(FromRow)]
struct TicketRow {
    id: String,
    membership_id: String,
    campaign_id: String,
    seed_id: String,
    nonce: Option<i64>,
    prize_table: String,
    prizes: String,
    drawn: Option<String>,
    awarded: Option<String>,
    state: String,
    issued_at: i64,
    played_at: Option<i64>,
}

const SEED_COLUMNS: &str = "id, seed, commitment, client_seed, next_nonce, created_at, revealed_at";
const TICKET_COLUMNS: &str = "id, membership_id, campaign_id, seed_id, nonce, prize_table, \
    prizes, drawn, awarded, state, issued_at, played_at";

/// Why tickets are given.
#[derive(Clone, Copy)]
pub enum Occasion {
    Purchase { amount: i64 },
    SurveyAnswered,
}

/// Gives the member the tickets the merchant's campaigns give for `occasion`. Returns how many.
/// `known`: the member's current seed, if the caller read it already in this transaction
/// (`Some(None)`: there is none).
pub(super) async fn issue_for(
    conn: &mut AnyConnection,
    batch: &mut EntityBatch,
    rules: &MerchantRules,
    membership_id: &str,
    occasion: Occasion,
    mut known: Option<Option<SeedRow>>,
    now: i64,
) -> Result<u32, StoreError> {
    let mut issued = 0;
    for campaign in &rules.campaigns {
        let count = match occasion {
            Occasion::Purchase { amount } if amount >= campaign.min_amount => {
                campaign.tickets_per_purchase
            }
            Occasion::Purchase { .. } => 0,
            Occasion::SurveyAnswered => campaign.tickets_per_survey,
        };
        for _ in 0..count {
            // The seed the ticket took (made if there was none) is the current one after it.
            let (_, seed) = issue(conn, batch, campaign, membership_id, known.take(), now).await?;
            known = Some(Some(seed));
            issued += 1;
        }
    }
    Ok(issued)
}

/// One ticket of `campaign`: drawn now if the member's seed has its client seed, else waiting.
/// Returns its id and the seed it is drawn from (a purchase's next ticket reuses that).
pub(super) async fn issue(
    conn: &mut AnyConnection,
    batch: &mut EntityBatch,
    campaign: &CampaignRule,
    membership_id: &str,
    known: Option<Option<SeedRow>>,
    now: i64,
) -> Result<(String, SeedRow), StoreError> {
    let current = match known {
        Some(known) => known,
        None => current_seed(conn, membership_id).await?,
    };
    let seed = match current {
        Some(seed) => seed,
        None => new_seed(conn, batch, membership_id, now).await?,
    };
    let mut ticket = TicketRow {
        id: new_id("tk")?,
        membership_id: membership_id.to_owned(),
        campaign_id: campaign.id.clone(),
        seed_id: seed.id.clone(),
        nonce: None,
        prize_table: serde_json::to_string(&campaign.table).map_err(corrupt)?,
        prizes: serde_json::to_string(&campaign.prizes).map_err(corrupt)?,
        drawn: None,
        awarded: None,
        state: "waiting".into(),
        issued_at: now,
        played_at: None,
    };
    let insert = Statement::new(
        concat!(
            "INSERT INTO tickets (id, membership_id, campaign_id, seed_id, nonce, prize_table, \
             prizes, drawn, awarded, state, issued_at, played_at) ",
            "VALUES ($1, $2, $3, $4, NULL, $5, $6, NULL, NULL, 'waiting', $7, NULL)"
        ),
        vec![
            Param::from(ticket.id.as_str()),
            Param::from(membership_id),
            Param::from(campaign.id.as_str()),
            Param::from(seed.id.as_str()),
            Param::from(ticket.prize_table.as_str()),
            Param::from(ticket.prizes.as_str()),
            Param::from(now),
        ],
    );
    match seed.client_seed.as_deref().and_then(ClientSeed::parse) {
        Some(client_seed) => {
            entities::run(conn, &insert).await?;
            draw_ticket(conn, &seed, &client_seed, &mut ticket).await?;
        }
        // A waiting ticket is not read again in this transaction (a seed's waiting tickets are
        // read by `draw.set_client_seed` and `draw.rotate_seed`, which issue none): sent with
        // the entity rows.
        None => batch.defer(insert),
    }
    write_ticket(batch, campaign, &ticket)?;
    Ok((ticket.id, seed))
}

/// Draws a waiting ticket with the seed's next nonce, and takes the drawn prize's stock: a prize
/// out of stock gives "thanks for playing", as the published rules say.
async fn draw_ticket(
    conn: &mut AnyConnection,
    seed: &SeedRow,
    client_seed: &ClientSeed,
    ticket: &mut TicketRow,
) -> Result<(), StoreError> {
    let server_seed = ServerSeed::parse(&seed.seed)
        .map_err(|_| StoreError::corrupt(format!("draw seed {} is not 64 hex digits", seed.id)))?;
    let table: PrizeTable = serde_json::from_str(&ticket.prize_table).map_err(corrupt)?;
    // Under the write lock, so the nonces of a seed are given out one by one, none twice.
    let nonce: i64 = sqlx::query_scalar(
        "UPDATE draw_seeds SET next_nonce = next_nonce + 1 WHERE id = $1 RETURNING next_nonce - 1",
    )
    .bind(&seed.id)
    .fetch_one(&mut *conn)
    .await?;
    let nonce_u64 = u64::try_from(nonce).map_err(corrupt)?;
    let drawn = table.slots[draw(&server_seed, client_seed, nonce_u64, &table)]
        .id
        .clone();
    let awarded = if drawn == table.no_win {
        drawn.clone()
    } else {
        let taken = sqlx::query(
            "UPDATE campaign_prizes SET stock = stock - 1 \
             WHERE campaign_id = $1 AND slot_id = $2 AND (stock IS NULL OR stock > 0)",
        )
        .bind(&ticket.campaign_id)
        .bind(&drawn)
        .execute(&mut *conn)
        .await?;
        if taken.rows_affected() == 1 {
            drawn.clone()
        } else {
            table.no_win.clone()
        }
    };
    sqlx::query(
        "UPDATE tickets SET nonce = $1, drawn = $2, awarded = $3, state = 'ready' WHERE id = $4",
    )
    .bind(nonce)
    .bind(&drawn)
    .bind(&awarded)
    .bind(&ticket.id)
    .execute(&mut *conn)
    .await?;
    ticket.nonce = Some(nonce);
    ticket.drawn = Some(drawn);
    ticket.awarded = Some(awarded);
    ticket.state = "ready".into();
    Ok(())
}

/// `draw.set_client_seed`: sets the wallet's seed on a committed seed (once), then draws the
/// seed's waiting tickets in the order they were issued.
pub async fn set_client_seed(
    conn: &mut AnyConnection,
    batch: &mut EntityBatch,
    rules: &MerchantRules,
    member: &MemberRow,
    seed_id: &str,
    client_seed: &ClientSeed,
) -> Result<MutationOutcome, StoreError> {
    let seed: Option<SeedRow> = sqlx::query_as(&format!(
        "SELECT {SEED_COLUMNS} FROM draw_seeds WHERE id = $1 AND membership_id = $2"
    ))
    .bind(seed_id)
    .bind(&member.id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(mut seed) = seed else {
        return Ok(rejected(
            draw_set_client_seed::SEED_UNKNOWN,
            "no such draw seed",
        ));
    };
    match &seed.client_seed {
        Some(set) if set == client_seed.as_str() => return Ok(MutationOutcome::Applied),
        Some(_) => {
            return Ok(rejected(
                draw_set_client_seed::SEED_CLOSED,
                "this seed has its client seed already",
            ))
        }
        None if seed.revealed_at.is_some() => {
            return Ok(rejected(
                draw_set_client_seed::SEED_CLOSED,
                "this seed was rotated away",
            ))
        }
        None => {}
    }
    sqlx::query("UPDATE draw_seeds SET client_seed = $1 WHERE id = $2 AND client_seed IS NULL")
        .bind(client_seed.as_str())
        .bind(&seed.id)
        .execute(&mut *conn)
        .await?;
    seed.client_seed = Some(client_seed.as_str().to_owned());
    write_seed(batch, &member.id, &seed)?;
    let waiting: Vec<TicketRow> = sqlx::query_as(&format!(
        "SELECT {TICKET_COLUMNS} FROM tickets WHERE seed_id = $1 AND state = 'waiting' \
         ORDER BY issued_at, id"
    ))
    .bind(&seed.id)
    .fetch_all(&mut *conn)
    .await?;
    for mut ticket in waiting {
        draw_ticket(conn, &seed, client_seed, &mut ticket).await?;
        write_ticket_of(batch, rules, &ticket)?;
    }
    Ok(MutationOutcome::Applied)
}

/// `draw.rotate_seed`: reveals the member's current seed and commits a new one; tickets still
/// waiting move to the new seed (none of them was drawn).
pub async fn rotate_seed(
    conn: &mut AnyConnection,
    batch: &mut EntityBatch,
    rules: &MerchantRules,
    member: &MemberRow,
    now: i64,
) -> Result<MutationOutcome, StoreError> {
    let Some(mut old) = current_seed(conn, &member.id).await? else {
        return Ok(MutationOutcome::Applied);
    };
    sqlx::query("UPDATE draw_seeds SET revealed_at = $1 WHERE id = $2")
        .bind(now)
        .bind(&old.id)
        .execute(&mut *conn)
        .await?;
    old.revealed_at = Some(now);
    write_seed(batch, &member.id, &old)?;
    let new = new_seed(conn, batch, &member.id, now).await?;
    let waiting: Vec<TicketRow> = sqlx::query_as(&format!(
        "SELECT {TICKET_COLUMNS} FROM tickets WHERE seed_id = $1 AND state = 'waiting'"
    ))
    .bind(&old.id)
    .fetch_all(&mut *conn)
    .await?;
    sqlx::query("UPDATE tickets SET seed_id = $1 WHERE seed_id = $2 AND state = 'waiting'")
        .bind(&new.id)
        .bind(&old.id)
        .execute(&mut *conn)
        .await?;
    for mut ticket in waiting {
        ticket.seed_id = new.id.clone();
        write_ticket_of(batch, rules, &ticket)?;
    }
    Ok(MutationOutcome::Applied)
}

/// `ticket.play`: the member plays a drawn ticket (within the campaign's plays per day, counted
/// in the merchant's local day); its prize is given once.
pub async fn play(
    conn: &mut AnyConnection,
    batch: &mut EntityBatch,
    rules: &MerchantRules,
    member: &MemberRow,
    ticket_id: &str,
    now: i64,
) -> Result<MutationOutcome, StoreError> {
    let ticket: Option<TicketRow> = sqlx::query_as(&format!(
        "SELECT {TICKET_COLUMNS} FROM tickets WHERE id = $1 AND membership_id = $2"
    ))
    .bind(ticket_id)
    .bind(&member.id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(mut ticket) = ticket else {
        return Ok(rejected(ticket_play::TICKET_UNKNOWN, "no such ticket"));
    };
    match ticket.state.as_str() {
        "played" => {
            return Ok(rejected(
                ticket_play::TICKET_PLAYED,
                "this ticket was played",
            ))
        }
        "waiting" => {
            return Ok(rejected(
                ticket_play::TICKET_WAITING,
                "this ticket is not drawn yet",
            ))
        }
        _ => {}
    }
    let campaign = rules.campaigns.iter().find(|c| c.id == ticket.campaign_id);
    let plays_per_day = campaign.map_or(1, |c| c.plays_per_day);
    let offset = rules.merchant.utc_offset_min;
    let today = day_start(local_day(now, offset), offset);
    let played_today: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM tickets WHERE membership_id = $1 AND campaign_id = $2 \
         AND state = 'played' AND played_at >= $3",
    )
    .bind(&member.id)
    .bind(&ticket.campaign_id)
    .bind(today)
    .fetch_one(&mut *conn)
    .await?;
    if played_today >= i64::from(plays_per_day) {
        return Ok(rejected(
            ticket_play::PLAY_LIMIT,
            "today's plays of this game are used up",
        ));
    }
    let updated = sqlx::query(
        "UPDATE tickets SET state = 'played', played_at = $1 WHERE id = $2 AND state = 'ready'",
    )
    .bind(now)
    .bind(&ticket.id)
    .execute(&mut *conn)
    .await?;
    if updated.rows_affected() != 1 {
        return Ok(rejected(
            ticket_play::TICKET_PLAYED,
            "this ticket was played",
        ));
    }
    ticket.state = "played".into();
    ticket.played_at = Some(now);
    write_ticket_of(batch, rules, &ticket)?;
    // The prize of the awarded slot, as the campaign gives it now (a campaign since withdrawn
    // gives nothing more: its wins were honoured while it ran).
    let gift = campaign.and_then(|c| {
        let awarded = ticket.awarded.as_deref()?;
        let index = c.table.index_of(awarded)?;
        (awarded != c.table.no_win).then(|| (c, c.gives[index].clone()))
    });
    if let Some((campaign, prize)) = gift {
        let gift = Gift {
            coupon: prize.coupon.as_ref(),
            source: CouponSource::Game,
            points: prize.points,
            reason: LedgerReason::Game,
            note: &campaign.title,
        };
        gifts::give(conn, batch, rules, member, gift, now).await?;
    }
    Ok(MutationOutcome::Applied)
}

async fn current_seed(
    conn: &mut AnyConnection,
    membership_id: &str,
) -> Result<Option<SeedRow>, StoreError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {SEED_COLUMNS} FROM draw_seeds WHERE membership_id = $1 AND revealed_at IS NULL \
         ORDER BY created_at DESC, id LIMIT 1"
    ))
    .bind(membership_id)
    .fetch_optional(conn)
    .await?)
}

/// The member's current seed, made if there is none.
pub async fn ensure_seed(
    conn: &mut AnyConnection,
    batch: &mut EntityBatch,
    membership_id: &str,
    now: i64,
) -> Result<(), StoreError> {
    if current_seed(conn, membership_id).await?.is_none() {
        new_seed(conn, batch, membership_id, now).await?;
    }
    Ok(())
}

/// A new seed from the random source, committed to in its entity at once.
async fn new_seed(
    conn: &mut AnyConnection,
    batch: &mut EntityBatch,
    membership_id: &str,
    now: i64,
) -> Result<SeedRow, StoreError> {
    let seed = ServerSeed::from_bytes(random_bytes::<32>()?);
    let row = SeedRow {
        id: new_id("ds")?,
        seed: seed.to_hex(),
        commitment: commitment(&seed),
        client_seed: None,
        created_at: now,
        revealed_at: None,
    };
    sqlx::query(
        "INSERT INTO draw_seeds (id, membership_id, seed, commitment, next_nonce, created_at) \
         VALUES ($1, $2, $3, $4, 1, $5)",
    )
    .bind(&row.id)
    .bind(membership_id)
    .bind(&row.seed)
    .bind(&row.commitment)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    write_seed(batch, membership_id, &row)?;
    Ok(row)
}

fn write_seed(
    batch: &mut EntityBatch,
    membership_id: &str,
    seed: &SeedRow,
) -> Result<(), StoreError> {
    let data = DrawSeedData {
        commitment: seed.commitment.clone(),
        client_seed: seed.client_seed.clone(),
        // The seed leaves the issuer only once rotated away.
        revealed_seed: seed.revealed_at.map(|_| seed.seed.clone()),
        created_at: seed.created_at,
        revealed_at: seed.revealed_at,
    };
    batch.put(
        Audience::Membership(membership_id.to_owned()),
        EntityKind::DrawSeed,
        seed.id.clone(),
        to_data(&data)?,
    );
    Ok(())
}

/// The ticket's entity, with its campaign's game and title (from the rules; a campaign since
/// withdrawn keeps its id as title).
fn write_ticket_of(
    batch: &mut EntityBatch,
    rules: &MerchantRules,
    ticket: &TicketRow,
) -> Result<(), StoreError> {
    match rules.campaigns.iter().find(|c| c.id == ticket.campaign_id) {
        Some(campaign) => write_ticket(batch, campaign, ticket),
        None => Ok(()),
    }
}

fn write_ticket(
    batch: &mut EntityBatch,
    campaign: &CampaignRule,
    ticket: &TicketRow,
) -> Result<(), StoreError> {
    let table: PrizeTable = serde_json::from_str(&ticket.prize_table).map_err(corrupt)?;
    let prizes: Vec<PrizeDisplay> = serde_json::from_str(&ticket.prizes).map_err(corrupt)?;
    let state = match ticket.state.as_str() {
        "ready" => TicketState::Ready,
        "played" => TicketState::Played,
        _ => TicketState::Waiting,
    };
    let data = TicketData {
        campaign_id: campaign.id.clone(),
        game: campaign.game,
        title: campaign.title.clone(),
        table,
        prizes,
        seed_id: ticket.seed_id.clone(),
        nonce: ticket.nonce.and_then(|n| u64::try_from(n).ok()),
        state,
        drawn: ticket.drawn.clone(),
        awarded: ticket.awarded.clone(),
        issued_at: ticket.issued_at,
        played_at: ticket.played_at,
    };
    batch.put(
        Audience::Membership(ticket.membership_id.clone()),
        EntityKind::Ticket,
        ticket.id.clone(),
        to_data(&data)?,
    );
    Ok(())
}

/// A stored ticket or seed that does not read back: the server's own data is broken.
fn corrupt(error: impl std::fmt::Display) -> StoreError {
    StoreError::corrupt(format!("a stored ticket or seed: {error}"))
}
