//! wallet-components: presentational Leptos components. Props in, callbacks out: nothing here
//! touches IndexedDB or the network, and no text is hard-coded (labels come in as props, already
//! translated by the app).

mod countdown;
mod coupon_card;
mod member_qr;
mod membership_tile;
mod page_header;
mod points_panel;
mod reward_item;
mod stamp_grid;
mod stamp_panel;
mod tier_panel;
mod tier_progress;
mod update_banner;
mod windowed_list;

pub use countdown::Countdown;
pub use coupon_card::{CouponCard, CouponState};
pub use member_qr::{qr_svg, MemberQr};
pub use membership_tile::MembershipTile;
pub use page_header::PageHeader;
pub use points_panel::PointsPanel;
pub use reward_item::RewardItem;
pub use stamp_grid::StampGrid;
pub use stamp_panel::StampPanel;
pub use tier_panel::TierPanel;
pub use tier_progress::TierProgress;
pub use update_banner::UpdateBanner;
pub use windowed_list::{visible_range, WindowedList};
