//! How often the background refresh really refreshes: links one account at a local sandbox
//! that issues short-lived tokens, runs the refresh schedule with the app's own policy for a
//! while, and counts the refreshes. `make soak` runs it for ten minutes with 30-second tokens;
//! `cargo run -p grantry-core --example refresh_soak -- SECONDS LIFETIME` for other figures.

use std::sync::Arc;
use std::time::{Duration, Instant};

use grantry_core::events::NoEvents;
use grantry_core::secret_store::MemorySecrets;
use grantry_core::{ActivityKind, Grantry, Options, RefreshPolicy};
use grantry_sandbox::robot::{self, Choice};
use grantry_sandbox::{Personality, Sandbox, SandboxConfig};

#[tokio::main]
async fn main() {
    let mut args = std::env::args()
        .skip(1)
        .map(|a| a.parse::<u64>().expect("a number"));
    let seconds = args.next().unwrap_or(600);
    let lifetime = args.next().unwrap_or(30);

    let mut config = SandboxConfig::new(Personality::Generic);
    config.access_token_lifetime = Duration::from_secs(lifetime);
    let sandbox = Sandbox::start(config).await.expect("sandbox");
    let dir = tempfile::tempdir().expect("temp dir");
    let grantry = Arc::new(
        Grantry::open(Options {
            data_dir: dir.path().join("data"),
            config_dir: dir.path().join("config"),
            sandbox_port: Some(sandbox.addr().port()),
            secrets: Arc::new(MemorySecrets::default()),
            events: Arc::new(NoEvents),
        })
        .expect("open"),
    );
    let started = grantry
        .start_link("sandbox", None, None, None)
        .await
        .expect("start")
        .started;
    let choice = Choice {
        user: "alice".into(),
        scopes: None,
        allow: true,
    };
    let back = robot::consent(&started.authorization_url, &choice)
        .await
        .expect("consent");
    grantry.finish_link(&back).await.expect("link");

    let policy = RefreshPolicy::default();
    let began = Instant::now();
    let schedule = tokio::spawn(grantry.clone().run_refresh_schedule(policy));
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    schedule.abort();
    let refreshes = grantry
        .activity(100_000)
        .expect("history")
        .iter()
        .filter(|e| e.kind == ActivityKind::TokenRefreshed)
        .count();
    let elapsed = began.elapsed().as_secs_f64();
    let floor = policy.min_interval as f64;
    let expected =
        elapsed / (lifetime as f64 - policy.lead.min(lifetime as i64 / 2) as f64).max(floor);
    println!(
        "{refreshes} refreshes in {elapsed:.0} s of {lifetime}-second tokens \
         (one per {:.1} s; the policy allows at most {expected:.1})",
        elapsed / refreshes.max(1) as f64
    );
}
