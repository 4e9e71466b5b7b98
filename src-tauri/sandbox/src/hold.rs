//! The gate of the `hold` fault (`src/faults.rs`): requests to an endpoint wait, before the
//! endpoint runs, until the fault is released, so that a test can stop a client in the middle
//! of an operation, at a known request, and act while it waits, rather than guess with a
//! sleep. Whoever added the hold learns when requests are waiting at it
//! ([`Hold::until_held`]): a test waits for "the request has arrived and is held", not for
//! time.
//!
//! Invariants: a released hold never holds again, and every request it held goes on to the
//! endpoint untouched; a held request whose connection goes away is no longer counted. The
//! sandbox releases every hold as it stops (`src/lib.rs`), so no held request keeps it from
//! stopping.

use std::sync::Arc;

use tokio::sync::watch;

/// What the gate is at: how many requests wait at it, and whether it was released.
#[derive(Debug, Clone, Copy, Default)]
struct Gate {
    held: usize,
    released: bool,
}

/// One hold's gate; clones share it.
#[derive(Debug, Clone)]
pub struct Hold(Arc<watch::Sender<Gate>>);

impl Default for Hold {
    fn default() -> Self {
        Self(Arc::new(watch::Sender::new(Gate::default())))
    }
}

impl Hold {
    /// Waits until the hold is released, counted as held meanwhile.
    pub async fn pass(&self) {
        // Subscribed before being counted: a release in between is seen by `wait_for`, which
        // looks at the current value first.
        let mut gate = self.0.subscribe();
        self.0.send_modify(|g| g.held += 1);
        let _counted = Counted(&self.0);
        // The sender lives as long as `self`, so the wait ends only by a release.
        let _ = gate.wait_for(|g| g.released).await;
    }

    /// Lets every held request go on, and every later one through.
    pub fn release(&self) {
        self.0.send_modify(|g| g.released = true);
    }

    /// How many requests wait at the gate now.
    pub fn held(&self) -> usize {
        self.0.borrow().held
    }

    /// Waits until at least `n` requests wait at the gate: true then, false if the hold was
    /// released first.
    pub async fn until_held(&self, n: usize) -> bool {
        let mut gate = self.0.subscribe();
        let reached = gate.wait_for(|g| g.held >= n || g.released).await;
        reached.is_ok_and(|g| !g.released)
    }
}

/// Uncounts a held request when it goes on, or when its connection goes away.
struct Counted<'a>(&'a watch::Sender<Gate>);

impl Drop for Counted<'_> {
    fn drop(&mut self) {
        self.0.send_modify(|g| g.held -= 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_held_request_is_counted_until_released_then_goes_on() {
        let hold = Hold::default();
        let waiting = tokio::spawn({
            let hold = hold.clone();
            async move { hold.pass().await }
        });
        assert!(hold.until_held(1).await, "the request arrived");
        assert_eq!(hold.held(), 1);
        assert!(!waiting.is_finished(), "and waits");
        hold.release();
        waiting.await.expect("released");
        assert_eq!(hold.held(), 0);
        assert!(!hold.until_held(1).await, "released: holds no more");
        tokio::time::timeout(std::time::Duration::from_secs(5), hold.pass())
            .await
            .expect("a released hold lets requests through");
    }

    #[tokio::test]
    async fn a_request_that_goes_away_is_no_longer_counted() {
        let hold = Hold::default();
        let waiting = tokio::spawn({
            let hold = hold.clone();
            async move { hold.pass().await }
        });
        assert!(hold.until_held(1).await);
        waiting.abort();
        let _ = waiting.await;
        assert_eq!(hold.held(), 0);
    }
}
