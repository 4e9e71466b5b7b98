pub mod app_sweep;
pub mod axe;
pub mod chromium;
pub mod leak_sweep;
pub mod notifications;
pub mod procs;
pub mod static_site;
pub mod webdriver;
