//! The sandbox's listening socket, with the `refuse_connections` fault: while it is set, each
//! new connection is accepted and at once reset (closed with `SO_LINGER` 0), before any byte of
//! a request is read, so the client sees a connection failure and knows nothing was processed.
//!
//! Why not refuse the TCP handshake itself: the kernel completes it for anything in the listen
//! backlog, so the only way to refuse is to close the listening socket, and then another
//! process could take the port and the sandbox could not be sure to get it back. A reset right
//! after the handshake is what a client sees from a provider that is restarting or overloaded.
//!
//! Invariants: the fault counts connections, not requests: a client that reuses a kept-alive
//! connection is not refused until it opens a new one. Refused connections never reach the
//! router, so no handler, fault rule or log sees them.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};

/// Connections still to refuse; [`u32::MAX`] refuses until the faults are cleared.
#[derive(Default)]
pub struct Refusals(AtomicU32);

impl Refusals {
    /// Refuses `count` more connections (`None`: until cleared).
    pub fn add(&self, count: Option<u32>) {
        let _ = self
            .0
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |left| {
                Some(match count {
                    None => u32::MAX,
                    Some(_) if left == u32::MAX => u32::MAX,
                    Some(n) => left.saturating_add(n).min(u32::MAX - 1),
                })
            });
    }

    pub fn clear(&self) {
        self.0.store(0, Ordering::SeqCst);
    }

    /// How many are left (`None`: until cleared), for the admin API's list.
    pub fn left(&self) -> Option<u32> {
        match self.0.load(Ordering::SeqCst) {
            u32::MAX => None,
            n => Some(n),
        }
    }

    /// Whether to refuse the connection just accepted (counted).
    fn take(&self) -> bool {
        self.0
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |left| match left {
                0 => None,
                u32::MAX => Some(u32::MAX),
                n => Some(n - 1),
            })
            .is_ok()
    }
}

pub struct Listener {
    pub inner: TcpListener,
    pub refusals: Arc<Refusals>,
}

impl axum::serve::Listener for Listener {
    type Io = TcpStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (TcpStream, SocketAddr) {
        loop {
            let (stream, addr) = axum::serve::Listener::accept(&mut self.inner).await;
            if !self.refusals.take() {
                return (stream, addr);
            }
            // Linger 0: the close sends a reset, not an orderly end of stream.
            #[allow(deprecated)]
            let _ = stream.set_linger(Some(Duration::ZERO));
            drop(stream);
        }
    }

    fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.inner.local_addr()
    }
}
