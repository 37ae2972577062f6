#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| trustbox_web::fuzzing::run("appeal_multipart", data));
