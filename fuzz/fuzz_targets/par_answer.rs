#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| grantry_core::fuzz::par_answer(data));
