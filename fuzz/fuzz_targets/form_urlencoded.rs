#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| trustbox_web::fuzzing::run("form_urlencoded", data));
