//! The games' mutations.

/// `ticket.play {"ticket_id": "..."}`: plays a drawn ticket; its prize is given once.
pub mod ticket_play {
    pub const NAME: &str = "ticket.play";
    pub const TICKET_UNKNOWN: &str = "ticket_unknown";
    pub const TICKET_PLAYED: &str = "ticket_played";
    /// Not drawn yet: the client seed is not set.
    pub const TICKET_WAITING: &str = "ticket_waiting";
    /// The campaign's plays per day are used up; the ticket keeps for tomorrow.
    pub const PLAY_LIMIT: &str = "play_limit";

    pub fn ticket_id(args: &serde_json::Value) -> Option<&str> {
        args.get("ticket_id")?
            .as_str()
            .filter(|id| crate::loyalty::is_data_id(id))
    }
}

/// `draw.set_client_seed {"seed_id": "...", "client_seed": "..."}`: the wallet's seed for a
/// committed server seed; its waiting tickets are drawn.
pub mod draw_set_client_seed {
    use crate::fair_draw::ClientSeed;

    pub const NAME: &str = "draw.set_client_seed";
    pub const SEED_UNKNOWN: &str = "seed_unknown";
    /// The seed has a client seed already (it is set once) or was rotated away.
    pub const SEED_CLOSED: &str = "seed_closed";

    pub fn parse(args: &serde_json::Value) -> Option<(String, ClientSeed)> {
        let seed_id = args
            .get("seed_id")?
            .as_str()
            .filter(|id| crate::loyalty::is_data_id(id))?;
        let client_seed = ClientSeed::parse(args.get("client_seed")?.as_str()?)?;
        Some((seed_id.to_owned(), client_seed))
    }
}

/// `draw.rotate_seed {}`: reveals the current seed (so every ticket of it can be checked) and
/// commits a new one.
pub mod draw_rotate_seed {
    pub const NAME: &str = "draw.rotate_seed";
}
