pub mod app_sweep;
pub mod leak_sweep;
pub mod procs;
pub mod webdriver;
