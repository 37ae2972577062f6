//! TEMPORARY stand-in until the upload branch lands (same API).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind { Jpeg, Png, Pdf, Audio }
pub const MAX_FILES: usize = 5;
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;
pub struct AcceptedFile { pub name: String, pub mime: &'static str, pub kind: FileKind, pub bytes: Vec<u8> }
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileError { TooLarge, Empty, ForbiddenType, Broken }
impl FileError {
    pub fn message_id(&self) -> &'static str {
        match self { FileError::TooLarge => "err-file-too-large", FileError::Empty => "err-file-empty", FileError::ForbiddenType => "err-file-type", FileError::Broken => "err-file-broken" }
    }
}
pub fn accept(file_name: &str, bytes: Vec<u8>) -> Result<AcceptedFile, FileError> {
    if bytes.is_empty() { return Err(FileError::Empty); }
    if bytes.len() > MAX_FILE_BYTES { return Err(FileError::TooLarge); }
    if bytes.starts_with(b"%PDF-") { return Ok(AcceptedFile { name: file_name.to_string(), mime: "application/pdf", kind: FileKind::Pdf, bytes }); }
    Err(FileError::ForbiddenType)
}
