//! The demo merchants' loyalty rules (part of the `--demo` seed): the café and the yakiniku place
//! have stamp cards; the yakiniku place and its sister brand, the ramen shop, share one group's
//! points; the bookshop has points and tiers. Seeding adds only what is missing.

use crate::store::StoreError;
use sqlx::AnyPool;

pub const GROUP_ID: &str = "alley-group";
pub const GROUP_NAME: (&str, &str) = ("小巷餐飲集團", "Alley Dining Group");
pub const GROUP_MERCHANTS: [&str; 2] = ["alley-yakiniku", "alley-ramen"];

struct Template {
    id: &'static str,
    merchant: &'static str,
    title: (&'static str, &'static str),
    terms: (&'static str, &'static str),
    valid_days: i64,
}

const TEMPLATES: [Template; 15] = [
    Template {
        id: "cafe-scone",
        merchant: "morning-cafe",
        title: ("司康一個", "A scone on us"),
        terms: (
            "集點卡第 5 點贈送。內用外帶皆可，不與其他優惠併用。",
            "For stamp 5 of your card. Eat in or take away; not combined with other offers.",
        ),
        valid_days: 30,
    },
    Template {
        id: "cafe-drink",
        merchant: "morning-cafe",
        title: ("任選飲品一杯", "Any drink on us"),
        terms: (
            "集滿 10 點贈送，菜單飲品任選一杯（季節限定也可以）。",
            "For a full card: any drink on the menu, seasonal ones included.",
        ),
        valid_days: 60,
    },
    Template {
        id: "cafe-birthday",
        merchant: "morning-cafe",
        title: ("壽星蛋糕一片", "A birthday slice of cake"),
        terms: (
            "生日當月憑券兌換當日蛋糕一片，限本人使用。",
            "In your birthday month: a slice of the day's cake, for you.",
        ),
        valid_days: 31,
    },
    Template {
        id: "yakiniku-beer",
        merchant: "alley-yakiniku",
        title: ("生啤酒一杯", "A draft beer"),
        terms: (
            "來店卡第 3 點贈送。未滿 18 歲可換無酒精飲品。",
            "For stamp 3 of your visit card. Under 18? A soft drink instead.",
        ),
        valid_days: 30,
    },
    Template {
        id: "yakiniku-tongue",
        merchant: "alley-yakiniku",
        title: ("厚切牛舌一份", "Thick-cut beef tongue"),
        terms: (
            "點數兌換。限內用，每桌每次限用一張。",
            "Exchanged with points. Dine-in; one coupon per table per visit.",
        ),
        valid_days: 30,
    },
    Template {
        id: "yakiniku-dessert",
        merchant: "alley-yakiniku",
        title: ("抹茶冰淇淋", "Matcha ice cream"),
        terms: ("點數兌換，限內用。", "Exchanged with points. Dine-in."),
        valid_days: 30,
    },
    Template {
        id: "yakiniku-wagyu",
        merchant: "alley-yakiniku",
        title: ("和牛拼盤", "Wagyu platter"),
        terms: (
            "集滿來店卡兌換。限內用，請提前一天訂位。",
            "For a full visit card. Dine-in; please book a day ahead.",
        ),
        valid_days: 60,
    },
    Template {
        id: "yakiniku-porkbelly",
        merchant: "alley-yakiniku",
        title: ("招牌豬五花拼盤", "Signature pork belly platter"),
        terms: (
            "集滿來店卡兌換，限內用。",
            "For a full visit card. Dine-in.",
        ),
        valid_days: 60,
    },
    Template {
        id: "yakiniku-birthday",
        merchant: "alley-yakiniku",
        title: ("壽星甜點盤", "Birthday dessert plate"),
        terms: (
            "生日當月來店出示，壽星本人享用。",
            "Show it in your birthday month; for the birthday guest.",
        ),
        valid_days: 31,
    },
    Template {
        id: "ramen-egg",
        merchant: "alley-ramen",
        title: ("溏心蛋一顆", "A soft-boiled egg"),
        terms: (
            "點數兌換，加點於任一碗拉麵。",
            "Exchanged with points. On any bowl of ramen.",
        ),
        valid_days: 30,
    },
    Template {
        id: "ramen-chashu",
        merchant: "alley-ramen",
        title: ("加量叉燒", "Extra chashu"),
        terms: (
            "點數兌換，加點於任一碗拉麵。",
            "Exchanged with points. On any bowl of ramen.",
        ),
        valid_days: 30,
    },
    Template {
        id: "books-50off",
        merchant: "qingtian-books",
        title: ("折價 NT$50", "NT$50 off"),
        terms: (
            "單筆消費滿 NT$300 可折抵 NT$50，限用一次。",
            "NT$50 off one purchase of NT$300 or more.",
        ),
        valid_days: 60,
    },
    Template {
        id: "books-birthday",
        merchant: "qingtian-books",
        title: ("生日月 85 折", "15% off in your birthday month"),
        terms: (
            "生日當月單筆消費享 85 折，限用一次。",
            "15% off one purchase in your birthday month.",
        ),
        valid_days: 31,
    },
    Template {
        id: "books-tote",
        merchant: "qingtian-books",
        title: ("青田帆布托特包", "Qingtian canvas tote"),
        terms: (
            "點數兌換，限量供應，換完為止。",
            "Exchanged with points. Limited; while stocks last.",
        ),
        valid_days: 90,
    },
    Template {
        id: "books-coffee",
        merchant: "qingtian-books",
        title: ("閱讀室咖啡一杯", "A coffee in the reading room"),
        terms: (
            "點數兌換，限店內閱讀室。",
            "Exchanged with points. In our reading room.",
        ),
        valid_days: 30,
    },
];

const BIRTHDAY: [(&str, &str); 3] = [
    ("morning-cafe", "cafe-birthday"),
    ("alley-yakiniku", "yakiniku-birthday"),
    ("qingtian-books", "books-birthday"),
];

struct Program {
    id: &'static str,
    merchant: &'static str,
    title: (&'static str, &'static str),
    stamps_required: i64,
    min_amount: i64,
    amount_per_stamp: i64,
    max_per_visit: i64,
    max_per_day: i64,
    expiry_days: Option<i64>,
    expiry_from: &'static str,
    color: &'static str,
    mark: &'static str,
    steps: &'static [(i64, &'static str, &'static str, Option<&'static str>)],
}

pub const CAFE_PROGRAM: &str = "cafe-card";
pub const YAKINIKU_PROGRAM: &str = "yakiniku-card";

const PROGRAMS: [Program; 2] = [
    Program {
        id: CAFE_PROGRAM,
        merchant: "morning-cafe",
        title: ("晨光集點卡", "Morning Light stamp card"),
        stamps_required: 10,
        min_amount: 60,
        amount_per_stamp: 0,
        max_per_visit: 1,
        max_per_day: 2,
        expiry_days: Some(180),
        expiry_from: "last_stamp",
        color: "#c8873a",
        mark: "☕",
        steps: &[
            (5, "司康一個", "A scone", Some("cafe-scone")),
            (10, "任選飲品一杯", "Any drink", Some("cafe-drink")),
        ],
    },
    Program {
        id: YAKINIKU_PROGRAM,
        merchant: "alley-yakiniku",
        title: ("燒肉來店卡", "Yakiniku visit card"),
        stamps_required: 6,
        min_amount: 500,
        amount_per_stamp: 0,
        max_per_visit: 1,
        max_per_day: 1,
        expiry_days: Some(365),
        expiry_from: "first_stamp",
        color: "#7a1f2b",
        mark: "肉",
        steps: &[
            (3, "生啤酒一杯", "A draft beer", Some("yakiniku-beer")),
            (
                6,
                "集滿換和牛或豬五花",
                "Full card: wagyu or pork belly",
                None,
            ),
        ],
    },
];

/// (merchant, NT$ per unit, points per unit, welcome points, valid days)
const POINTS: [(&str, i64, i64, i64, Option<i64>); 3] = [
    ("alley-yakiniku", 100, 1, 100, Some(365)),
    ("alley-ramen", 50, 1, 50, Some(30)),
    ("qingtian-books", 100, 1, 50, Some(730)),
];

/// (rank, id, name, benefits, NT$ over 12 months, points multiplier %), for the bookshop.
type Tier = (
    i64,
    &'static str,
    (&'static str, &'static str),
    (&'static str, &'static str),
    i64,
    i64,
);

const BOOK_TIERS: [Tier; 4] = [
    (
        0,
        "regular",
        ("一般", "Regular"),
        (
            "消費每 NT$100 累積 1 點；生日月 85 折券。",
            "1 point per NT$100; 15% off in your birthday month.",
        ),
        0,
        100,
    ),
    (
        1,
        "silver",
        ("銀卡", "Silver"),
        (
            "點數 1.2 倍；新書預購 95 折。",
            "1.2x points; 5% off pre-orders.",
        ),
        3_000,
        120,
    ),
    (
        2,
        "gold",
        ("金卡", "Gold"),
        (
            "點數 1.5 倍；講座優先報名；免費包書套。",
            "1.5x points; first seats at talks; free book covers.",
        ),
        10_000,
        150,
    ),
    (
        3,
        "diamond",
        ("鑽石", "Diamond"),
        (
            "點數 2 倍；簽書會保留席；每季選書一本。",
            "2x points; reserved seats at signings; a book of the season each quarter.",
        ),
        30_000,
        200,
    ),
];

/// (id, merchant, title, description, points cost, stamp program cost, template, stock, sort)
type Reward = (
    &'static str,
    &'static str,
    (&'static str, &'static str),
    (&'static str, &'static str),
    Option<i64>,
    Option<&'static str>,
    &'static str,
    Option<i64>,
    i64,
);

const REWARDS: [Reward; 9] = [
    (
        "yakiniku-tongue",
        "alley-yakiniku",
        ("厚切牛舌一份", "Thick-cut beef tongue"),
        (
            "炭火現烤，外脆內嫩。",
            "Grilled over charcoal, crisp outside, tender inside.",
        ),
        Some(300),
        None,
        "yakiniku-tongue",
        None,
        1,
    ),
    (
        "yakiniku-dessert",
        "alley-yakiniku",
        ("抹茶冰淇淋", "Matcha ice cream"),
        (
            "宇治抹茶，飯後剛剛好。",
            "Uji matcha, just right after the grill.",
        ),
        Some(120),
        None,
        "yakiniku-dessert",
        None,
        2,
    ),
    (
        "yakiniku-wagyu",
        "alley-yakiniku",
        ("和牛拼盤", "Wagyu platter"),
        (
            "集滿來店卡即可兌換，數量有限。",
            "For a full visit card, while stocks last.",
        ),
        None,
        Some(YAKINIKU_PROGRAM),
        "yakiniku-wagyu",
        Some(20),
        3,
    ),
    (
        "yakiniku-porkbelly",
        "alley-yakiniku",
        ("招牌豬五花拼盤", "Signature pork belly platter"),
        ("集滿來店卡即可兌換。", "For a full visit card."),
        None,
        Some(YAKINIKU_PROGRAM),
        "yakiniku-porkbelly",
        None,
        4,
    ),
    (
        "ramen-egg",
        "alley-ramen",
        ("溏心蛋一顆", "A soft-boiled egg"),
        (
            "集團點數通用，燒肉店賺的點數也能換。",
            "Group points: earned at the yakiniku place too.",
        ),
        Some(60),
        None,
        "ramen-egg",
        None,
        1,
    ),
    (
        "ramen-chashu",
        "alley-ramen",
        ("加量叉燒", "Extra chashu"),
        ("炙燒叉燒三片。", "Three slices of torched chashu."),
        Some(150),
        None,
        "ramen-chashu",
        None,
        2,
    ),
    (
        "books-coffee",
        "qingtian-books",
        ("閱讀室咖啡一杯", "A coffee in the reading room"),
        ("翻書配咖啡。", "A coffee to read with."),
        Some(120),
        None,
        "books-coffee",
        None,
        1,
    ),
    (
        "books-50off",
        "qingtian-books",
        ("折價 NT$50", "NT$50 off"),
        ("單筆滿 NT$300 可用。", "On a purchase of NT$300 or more."),
        Some(200),
        None,
        "books-50off",
        None,
        2,
    ),
    (
        "books-tote",
        "qingtian-books",
        ("青田帆布托特包", "Qingtian canvas tote"),
        ("限量 30 個。", "Only 30 made."),
        Some(500),
        None,
        "books-tote",
        Some(30),
        3,
    ),
];

/// Adds a coupon template unless it exists (the demo's surveys and games have theirs too).
pub(super) async fn insert_template(
    db: &AnyPool,
    merchant: &str,
    id: &str,
    title: (&str, &str),
    terms: (&str, &str),
    valid_days: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO coupon_templates \
         (id, merchant_id, title_zh, title_en, terms_zh, terms_en, valid_days) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
    )
    .bind(id)
    .bind(merchant)
    .bind(title.0)
    .bind(title.1)
    .bind(terms.0)
    .bind(terms.1)
    .bind(valid_days)
    .execute(db)
    .await?;
    Ok(())
}

/// Adds the demo loyalty rules that are missing. The demo merchants must exist already.
pub async fn seed(db: &AnyPool) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO merchant_groups (id, name_zh, name_en) VALUES ($1, $2, $3) \
         ON CONFLICT DO NOTHING",
    )
    .bind(GROUP_ID)
    .bind(GROUP_NAME.0)
    .bind(GROUP_NAME.1)
    .execute(db)
    .await?;
    for merchant in GROUP_MERCHANTS {
        sqlx::query("UPDATE merchants SET group_id = $1 WHERE id = $2 AND group_id IS NULL")
            .bind(GROUP_ID)
            .bind(merchant)
            .execute(db)
            .await?;
    }
    for t in TEMPLATES.iter() {
        insert_template(db, t.merchant, t.id, t.title, t.terms, t.valid_days).await?;
    }
    for (merchant, template) in BIRTHDAY {
        sqlx::query(
            "UPDATE merchants SET birthday_template_id = $1 \
             WHERE id = $2 AND birthday_template_id IS NULL",
        )
        .bind(template)
        .bind(merchant)
        .execute(db)
        .await?;
    }
    for p in &PROGRAMS {
        sqlx::query(
            "INSERT INTO stamp_programs (id, merchant_id, title_zh, title_en, stamps_required, \
             min_amount, amount_per_stamp, max_per_visit, max_per_day, expiry_days, expiry_from, \
             stamp_color, stamp_mark, active) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 1) \
             ON CONFLICT DO NOTHING",
        )
        .bind(p.id)
        .bind(p.merchant)
        .bind(p.title.0)
        .bind(p.title.1)
        .bind(p.stamps_required)
        .bind(p.min_amount)
        .bind(p.amount_per_stamp)
        .bind(p.max_per_visit)
        .bind(p.max_per_day)
        .bind(p.expiry_days)
        .bind(p.expiry_from)
        .bind(p.color)
        .bind(p.mark)
        .execute(db)
        .await?;
        for (at, zh, en, template) in p.steps {
            sqlx::query(
                "INSERT INTO stamp_steps (program_id, at_stamp, title_zh, title_en, \
                 coupon_template_id) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
            )
            .bind(p.id)
            .bind(*at)
            .bind(*zh)
            .bind(*en)
            .bind(*template)
            .execute(db)
            .await?;
        }
    }
    for (merchant, unit, per_unit, welcome, valid_days) in POINTS {
        sqlx::query(
            "INSERT INTO points_programs \
             (merchant_id, amount_unit, points_per_unit, welcome_points, valid_days) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
        )
        .bind(merchant)
        .bind(unit)
        .bind(per_unit)
        .bind(welcome)
        .bind(valid_days)
        .execute(db)
        .await?;
    }
    for (rank, id, name, benefits, min_spend, pct) in BOOK_TIERS {
        sqlx::query(
            "INSERT INTO tier_levels (merchant_id, tier_rank, id, name_zh, name_en, benefits_zh, \
             benefits_en, min_spend, points_multiplier_pct) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING",
        )
        .bind("qingtian-books")
        .bind(rank)
        .bind(id)
        .bind(name.0)
        .bind(name.1)
        .bind(benefits.0)
        .bind(benefits.1)
        .bind(min_spend)
        .bind(pct)
        .execute(db)
        .await?;
    }
    for (id, merchant, title, description, points, program, template, stock, sort) in REWARDS {
        sqlx::query(
            "INSERT INTO rewards (id, merchant_id, title_zh, title_en, description_zh, \
             description_en, cost_points, cost_stamp_program_id, coupon_template_id, stock, \
             sort_order, active) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1) ON CONFLICT DO NOTHING",
        )
        .bind(id)
        .bind(merchant)
        .bind(title.0)
        .bind(title.1)
        .bind(description.0)
        .bind(description.1)
        .bind(points)
        .bind(program)
        .bind(template)
        .bind(stock)
        .bind(sort)
        .execute(db)
        .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use wallet_core::loyalty::is_long_text;
    use wallet_core::{BrandColor, LocalizedText};

    #[test]
    fn demo_texts_are_valid_for_wallets() {
        for t in TEMPLATES.iter() {
            assert!(
                LocalizedText::new(t.title.0, t.title.1).is_valid(),
                "{}",
                t.id
            );
            assert!(
                is_long_text(&LocalizedText::new(t.terms.0, t.terms.1), 300),
                "{}",
                t.id
            );
        }
        for p in &PROGRAMS {
            assert!(BrandColor::parse(p.color).is_some());
            assert!((1..=2).contains(&p.mark.chars().count()));
            assert!(p.steps.iter().any(|s| s.0 == p.stamps_required), "{}", p.id);
        }
        for (_, id, name, benefits, _, _) in BOOK_TIERS {
            assert!(LocalizedText::new(name.0, name.1).is_valid(), "{id}");
            assert!(
                is_long_text(&LocalizedText::new(benefits.0, benefits.1), 300),
                "{id}"
            );
        }
        let templates: Vec<&str> = TEMPLATES.iter().map(|t| t.id).collect();
        for reward in REWARDS {
            assert!(templates.contains(&reward.6), "{}", reward.0);
            assert!(
                reward.4.is_some() != reward.5.is_some(),
                "{}: one cost",
                reward.0
            );
        }
    }
}
