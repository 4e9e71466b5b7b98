#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| grantry_core::fuzz::token_exchange_answer(data));
