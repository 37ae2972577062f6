//! HTTP side of Trustbox: axum router, templates, sessions, CSRF, rate limits, JSON API and OpenAPI.
