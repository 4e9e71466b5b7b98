pub mod app_sweep;
pub mod axe;
pub mod leak_sweep;
pub mod notifications;
pub mod procs;
pub mod webdriver;
