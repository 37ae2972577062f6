//! Field errors for forms that are shown again with what the user typed.

use trustbox_domain::FieldError;
use trustbox_i18n::Tr;

/// Localized messages keyed by field name.
#[derive(Debug, Default, Clone)]
pub struct FormErrors(Vec<(String, String)>);

impl FormErrors {
    pub fn new() -> FormErrors {
        FormErrors(Vec::new())
    }
    pub fn add(&mut self, tr: Tr, field: &str, message_id: &str) {
        if self.get(field).is_none() {
            self.0.push((field.to_string(), tr.t(message_id)));
        }
    }
    /// A message already localized (e.g. one with arguments).
    pub fn add_text(&mut self, field: &str, message: String) {
        if self.get(field).is_none() {
            self.0.push((field.to_string(), message));
        }
    }
    pub fn add_field_errors(&mut self, tr: Tr, errs: &[FieldError]) {
        for e in errs {
            self.add(tr, e.field, e.code);
        }
    }
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }
    /// Every message, for a summary at the top of a page.
    pub fn messages(&self) -> Vec<&str> {
        self.0.iter().map(|(_, m)| m.as_str()).collect()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// Whether a field (not only the form as a whole) has an error.
    pub fn has_field_errors(&self) -> bool {
        self.0.iter().any(|(f, _)| f != "form")
    }
}
