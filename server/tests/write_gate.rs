//! The SQLite writer's group commit (`store::write_gate`): requests that follow each other closely
//! share one transaction, each in a savepoint of its own, so one that fails or rolls back undoes
//! only itself. On PostgreSQL each request is its own transaction; the same checks hold.

mod common;

use common::TestDb;
use std::time::Duration;
use tokio::sync::oneshot;
use wallet_server::store::connection as db;
use wallet_server::store::{Store, WriteTx};

async fn insert(tx: &mut WriteTx<'_>, request_id: &str) {
    sqlx::query(
        "INSERT INTO cashier_requests \
         (merchant_id, request_id, endpoint, fingerprint, response, created_at) \
         VALUES ('group-test', $1, 'test', 'test', NULL, 0)",
    )
    .bind(request_id)
    .execute(&mut **tx)
    .await
    .expect("insert");
}

async fn stored(store: &Store) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT request_id FROM cashier_requests WHERE merchant_id = 'group-test' \
         ORDER BY request_id",
    )
    .fetch_all(&store.pool)
    .await
    .expect("select")
}

/// Lets the tasks spawned so far run up to their wait for the writer.
async fn settle() {
    tokio::time::sleep(Duration::from_millis(50)).await;
}

#[tokio::test]
async fn a_request_that_fails_in_a_group_undoes_only_itself() {
    let test_db = TestDb::create().await;
    let store = Store::new(db::connect(&test_db.url).await.expect("connect"));
    let sqlite = test_db.url.starts_with("sqlite");

    // `a` has the writer while the others queue up behind it.
    let mut a = store.write().await.expect("a's turn");
    insert(&mut a, "a").await;
    let dropped = tokio::spawn({
        let store = store.clone();
        async move {
            let mut tx = store.write().await.expect("b's turn");
            insert(&mut tx, "b").await;
            // An error in the handler: the transaction is dropped, neither committed nor rolled back.
            drop(tx);
        }
    });
    settle().await;
    let rolled_back = tokio::spawn({
        let store = store.clone();
        async move {
            let mut tx = store.write().await.expect("c's turn");
            insert(&mut tx, "c").await;
            tx.rollback().await
        }
    });
    settle().await;
    let committed = tokio::spawn({
        let store = store.clone();
        async move {
            let mut tx = store.write().await.expect("d's turn");
            insert(&mut tx, "d").await;
            tx.commit().await
        }
    });
    settle().await;

    // Others wait: on SQLite `a` leaves the transaction open for them and answers once the last
    // of them committed it.
    a.commit().await.expect("a commits");
    dropped.await.expect("b ran");
    rolled_back.await.expect("c ran").expect("c rolls back");
    committed.await.expect("d ran").expect("d commits");

    assert_eq!(stored(&store).await, ["a", "d"]);
    if sqlite {
        assert_eq!(
            store.sqlite_commits(),
            1,
            "the four requests were one group"
        );
    }

    // The next request after an idle writer is a group of its own.
    let mut e = store.write().await.expect("e's turn");
    insert(&mut e, "e").await;
    e.commit().await.expect("e commits");
    assert_eq!(stored(&store).await, ["a", "d", "e"]);
    if sqlite {
        assert_eq!(store.sqlite_commits(), 2);
    }
}

#[tokio::test]
async fn a_group_left_by_a_cancelled_request_still_commits() {
    let test_db = TestDb::create().await;
    let store = Store::new(db::connect(&test_db.url).await.expect("connect"));

    let (go, commit_now) = oneshot::channel::<()>();
    let (has_turn, turn_taken) = oneshot::channel::<()>();
    let committing = tokio::spawn({
        let store = store.clone();
        async move {
            let mut a = store.write().await.expect("a's turn");
            insert(&mut a, "a").await;
            let _ = has_turn.send(());
            let _ = commit_now.await;
            a.commit().await
        }
    });
    turn_taken.await.expect("a has the writer");
    // A request that queues for the writer and goes away about when its turn comes (its till
    // hung up): `a` may leave the transaction open for it, and must not wait for it forever.
    let gone = tokio::spawn({
        let store = store.clone();
        async move {
            let _never = store.write().await;
            std::future::pending::<()>().await;
        }
    });
    settle().await;
    go.send(()).expect("a waits");
    tokio::task::yield_now().await;
    gone.abort();
    let _ = gone.await;
    tokio::time::timeout(Duration::from_secs(5), committing)
        .await
        .expect("a's commit ends")
        .expect("a ran")
        .expect("a commits");
    assert_eq!(stored(&store).await, ["a"]);
}
