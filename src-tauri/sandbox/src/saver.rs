//! Saving the state file off the request path: a handler only marks the state changed
//! ([`crate::Shared::changed`]); this task renders the latest state and writes it, so no
//! request waits on the disk, and a burst of changes ends in one or two writes, not one each.
//!
//! Invariants: every change is followed by a write that includes it (a change made while a
//! write is under way is written again afterwards). When the sandbox stops, the task writes the
//! final state before [`crate::Sandbox::stop`] returns. The rendering happens under the store's
//! lock, the writing (`src/private_file.rs`) on a blocking thread without it.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

use crate::Shared;

/// The handlers' end: a nudge that the state changed.
pub struct Nudge(mpsc::Sender<()>);

impl Nudge {
    pub fn changed(&self) {
        // A full channel means a write is already due: this change will be in it.
        let _ = self.0.try_send(());
    }
}

/// The running task, and how to stop it.
pub struct Saver {
    pub stop: Option<oneshot::Sender<()>>,
    pub task: Option<JoinHandle<()>>,
}

pub fn channel() -> (Nudge, mpsc::Receiver<()>) {
    let (sender, receiver) = mpsc::channel(1);
    (Nudge(sender), receiver)
}

/// Starts the task that keeps `path` up to date with `shared`'s state.
pub fn spawn(shared: Arc<Shared>, path: PathBuf, mut changes: mpsc::Receiver<()>) -> Saver {
    let (stop, mut stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        loop {
            tokio::select! {
                biased;
                _ = &mut stopped => break,
                Some(()) = changes.recv() => write(&shared, &path).await,
            }
        }
        write(&shared, &path).await;
    });
    Saver {
        stop: Some(stop),
        task: Some(task),
    }
}

/// Writes the latest state. A failure is reported on stderr: the sandbox keeps serving from
/// memory, and the next change tries again.
async fn write(shared: &Shared, path: &Path) {
    let bytes = match shared.snapshot() {
        Ok(bytes) => bytes,
        Err(error) => {
            tracing::error!("cannot save {}: {error}", path.display());
            return;
        }
    };
    let target = path.to_path_buf();
    let written = tokio::task::spawn_blocking(move || crate::private_file::write(&target, &bytes));
    match written.await {
        Ok(Ok(())) => {}
        Ok(Err(error)) => tracing::error!("cannot save {}: {error}", path.display()),
        Err(error) => tracing::error!("cannot save {}: {error}", path.display()),
    }
}
