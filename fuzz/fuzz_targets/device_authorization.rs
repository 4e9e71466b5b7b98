#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| grantry_core::fuzz::device_authorization(data));
