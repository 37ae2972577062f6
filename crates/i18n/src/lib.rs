//! Fluent message bundles for Kyrgyz, Kazakh, Russian and English, used by pages, e-mails and documents.
