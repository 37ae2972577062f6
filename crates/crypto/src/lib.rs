//! Cryptography of Trustbox: master key, per-appeal data keys, field encryption, receipt codes, password hashing, hash chains.
