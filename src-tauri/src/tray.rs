//! Grantry in the system tray (a StatusNotifierItem, through Tauri's tray and
//! libayatana-appindicator): an icon that gains a red dot while an account needs attention,
//! and a menu with those accounts (each opens its screen), Open Grantry, Refresh all and Quit.
//! The menu is made again from the core's accounts whenever the core reports a change, at most
//! a few times a second however many changes come.
//!
//! Whether a tray is there at all is `tray_host.rs`'s to say.

use std::sync::Arc;
use std::time::Duration;

use grantry_core::{AccountStatus, AccountSummary, EVENT_CHANNEL, Grantry, RefreshLimits};
use tauri::image::Image;
use tauri::menu::{IsMenuItem, Menu, MenuEvent, MenuItem, PredefinedMenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Listener, Wry};

use crate::main_window;

const TRAY_ID: &str = "grantry";
const OPEN: &str = "open";
const REFRESH_ALL: &str = "refresh-all";
const QUIT: &str = "quit";
/// Menu ids of the accounts that need attention: this, then the account's id.
const ACCOUNT: &str = "account-";
/// At most this many accounts are listed; the window shows the rest.
const LISTED: usize = 8;

/// The app's icon, and the same with the attention dot.
const ICON: &[u8] = include_bytes!("../icons/32x32.png");

/// Puts Grantry's item in the tray and keeps its menu and icon up to date with `grantry`.
pub fn start(app: &AppHandle, grantry: Option<Arc<Grantry>>) -> tauri::Result<()> {
    let menu = menu(app, &attention(grantry.as_deref()))?;
    TrayIconBuilder::with_id(TRAY_ID)
        .icon(icon(false))
        .tooltip("Grantry")
        .menu(&menu)
        .on_menu_event(on_menu)
        .build(app)?;
    let Some(grantry) = grantry else {
        return Ok(());
    };
    let (changed, changes) = std::sync::mpsc::channel::<()>();
    app.listen_any(EVENT_CHANNEL, move |_| {
        let _ = changed.send(());
    });
    let app = app.clone();
    std::thread::spawn(move || {
        while changes.recv().is_ok() {
            // Changes come in bursts (a refresh of every account): one update for the burst.
            std::thread::sleep(Duration::from_millis(300));
            while changes.try_recv().is_ok() {}
            update(&app, &grantry);
        }
    });
    Ok(())
}

/// The accounts that need the person: to be linked again, a revocation to finish, or
/// refreshes that keep failing.
fn attention(grantry: Option<&Grantry>) -> Vec<AccountSummary> {
    grantry
        .and_then(|g| g.accounts().ok())
        .unwrap_or_default()
        .into_iter()
        .filter(|a| a.status != AccountStatus::Valid || a.failing_refresh.is_some())
        .collect()
}

fn update(app: &AppHandle, grantry: &Grantry) {
    let Some(tray) = app.tray_by_id(TRAY_ID) else {
        return;
    };
    let accounts = attention(Some(grantry));
    let tooltip = match accounts.len() {
        0 => "Grantry".to_owned(),
        1 => "Grantry: 1 account needs attention".to_owned(),
        n => format!("Grantry: {n} accounts need attention"),
    };
    let _ = tray.set_icon(Some(icon(!accounts.is_empty())));
    let _ = tray.set_tooltip(Some(&tooltip));
    match menu(app, &accounts) {
        Ok(menu) => {
            let _ = tray.set_menu(Some(menu));
        }
        Err(error) => tracing::warn!("the tray's menu could not be made: {error}"),
    }
}

/// What an account that needs attention needs, in a few words.
fn need(account: &AccountSummary) -> &'static str {
    match account.status {
        AccountStatus::NeedsRelink => "link again",
        AccountStatus::RevocationPending => "revocation pending",
        AccountStatus::RevocationNotEffective => "revocation not effective",
        _ => "refresh failing",
    }
}

fn menu(app: &AppHandle, accounts: &[AccountSummary]) -> tauri::Result<Menu<Wry>> {
    let mut items: Vec<Box<dyn IsMenuItem<Wry>>> = Vec::new();
    for account in accounts.iter().take(LISTED) {
        let text = format!("{}: {}", account.label(), need(account));
        let id = format!("{ACCOUNT}{}", account.id);
        items.push(Box::new(MenuItem::with_id(
            app,
            id,
            text,
            true,
            None::<&str>,
        )?));
    }
    if accounts.len() > LISTED {
        let more = format!("{} more in the window", accounts.len() - LISTED);
        items.push(Box::new(MenuItem::with_id(
            app,
            OPEN,
            more,
            true,
            None::<&str>,
        )?));
    }
    if !accounts.is_empty() {
        items.push(Box::new(PredefinedMenuItem::separator(app)?));
    }
    items.push(Box::new(MenuItem::with_id(
        app,
        OPEN,
        "Open Grantry",
        true,
        None::<&str>,
    )?));
    items.push(Box::new(MenuItem::with_id(
        app,
        REFRESH_ALL,
        "Refresh all",
        true,
        None::<&str>,
    )?));
    items.push(Box::new(PredefinedMenuItem::separator(app)?));
    items.push(Box::new(MenuItem::with_id(
        app,
        QUIT,
        "Quit",
        true,
        None::<&str>,
    )?));
    let refs: Vec<&dyn IsMenuItem<Wry>> = items.iter().map(|item| item.as_ref()).collect();
    Menu::with_items(app, &refs)
}

fn on_menu(app: &AppHandle, event: MenuEvent) {
    let id = event.id().as_ref();
    match id {
        OPEN => {
            main_window::show(app);
        }
        REFRESH_ALL => {
            use tauri::Manager;
            let grantry = app
                .try_state::<crate::state::AppState>()
                .and_then(|state| state.grantry().ok());
            if let Some(grantry) = grantry {
                tauri::async_runtime::spawn(async move {
                    if let Err(error) = grantry.refresh_all(RefreshLimits::DEFAULT).await {
                        tracing::warn!("Refresh all from the tray: {error}");
                    }
                });
            }
        }
        QUIT => {
            tracing::info!("Quit from the tray");
            app.exit(0);
        }
        _ => {
            if let Some(account) = id.strip_prefix(ACCOUNT).and_then(|n| n.parse().ok()) {
                main_window::open_account(app, account);
            }
        }
    }
}

/// The tray's icon: the app's, with a red dot in its lower right corner when `attention`.
fn icon(attention: bool) -> Image<'static> {
    let base = Image::from_bytes(ICON).expect("the icon is a valid PNG");
    let (width, height) = (base.width(), base.height());
    let mut rgba = base.rgba().to_vec();
    if attention {
        let radius = f64::from(width.min(height)) / 4.0;
        let (cx, cy) = (f64::from(width) - radius, f64::from(height) - radius);
        for y in 0..height {
            for x in 0..width {
                let (dx, dy) = (f64::from(x) + 0.5 - cx, f64::from(y) + 0.5 - cy);
                if dx * dx + dy * dy <= radius * radius {
                    let at = ((y * width + x) * 4) as usize;
                    rgba[at..at + 4].copy_from_slice(&[0xd9, 0x30, 0x25, 0xff]);
                }
            }
        }
    }
    Image::new_owned(rgba, width, height)
}
