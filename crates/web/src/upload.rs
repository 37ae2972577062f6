//! The one place where an uploaded file is accepted or refused.
//!
//! Pupils attach photos, scans and voice recordings to their letters. Photos from a child's
//! phone carry EXIF with GPS coordinates, the phone's make and the time; none of that may ever
//! be stored. [`accept`] is the only door:
//!
//! 1. size first, before any parsing: 0 bytes → [`FileError::Empty`], more than
//!    [`MAX_FILE_BYTES`] → [`FileError::TooLarge`];
//! 2. the type is [`sniff`]ed from the content only — never from the file name or the
//!    client's `Content-Type`, both of which the sender controls; anything not on the list
//!    below is [`FileError::ForbiddenType`] (HTML, SVG, which can carry script, archives,
//!    executables, GIF, video, …);
//! 3. images are rebuilt without their metadata (see below); a file whose container does not
//!    hold together is [`FileError::Broken`];
//! 4. the display name is sanitised (see [`AcceptedFile::name`]).
//!
//! | kind | mime | what is checked / done |
//! | --- | --- | --- |
//! | JPEG | `image/jpeg` | rebuilt with `img-parts`; kept: SOFn, DHT, DAC, DQT, DRI, DNL, DHP, EXP, SOS and the scans, APP0 JFIF (its thumbnail dropped), APP2 ICC profile, APP14 Adobe (12 fixed bytes, no text: needed to decode RGB/CMYK JPEGs in the right colours); dropped: APP1 EXIF/XMP, APP13 IPTC/Photoshop, APP2 MPF, every other APPn, COM, JPGn, everything after EOI (MPF trailing images, vendor trailers). Must have SOI, a SOF before the first SOS, and EOI. Segments between later scans (progressive JPEGs) are filtered as well. |
//! | PNG | `image/png` | rebuilt with `img-parts`; only IHDR, PLTE, IDAT, IEND and the rendering chunks tRNS, cHRM, gAMA, iCCP, sBIT, sRGB, cICP, mDCv, cLLi, bKGD, hIST, pHYs and APNG's acTL, fcTL, fdAT are kept: eXIf, tEXt, zTXt, iTXt, tIME, sPLT and every private or unknown ancillary chunk are dropped. CRCs must match; IHDR first (13 bytes), IDATs present and consecutive, IEND last; an unknown critical chunk → Broken. Data after IEND is dropped. |
//! | PDF | `application/pdf` | must start with `%PDF-` and have `%%EOF` in its last 1024 bytes. **PDF metadata (Info dictionary, XMP) is left alone**: the file is stored as sent. |
//! | MP3 | `audio/mpeg` | an ID3v2 header, or an MPEG audio frame header followed by a second one (or the end of the file) where the first frame's length says. |
//! | Ogg | `audio/ogg` | `OggS` whose first packet is Opus, Vorbis, Speex or FLAC (Ogg Theora video is refused). |
//! | WAV | `audio/wav` | `RIFF....WAVE` |
//! | M4A/AAC | `audio/mp4` | an `ftyp` box with major brand `M4A `, `mp42` or `isom`. `mp42` and `isom` are also used by MP4 *video*; such a file is accepted as `audio/mp4` unless a video track handler (`hdlr` … `vide`) is found in it, then it is refused. |
//! | WebM | `audio/webm` | EBML with DocType `webm` whose `Tracks` (read before the first cluster) are all audio tracks. |
//! | AMR | `audio/amr`, `audio/amr-wb` | `#!AMR\n` (narrow band, cheap phones' recorders) or `#!AMR-WB\n` (wide band). |
//!
//! Audio is accepted as it is after sniffing: ID3 tags, MP4 `udta`/`ilst` atoms and Vorbis
//! comments are **not** stripped.

use img_parts::Bytes;
use img_parts::jpeg::{Jpeg, JpegSegment, markers};
use img_parts::png::{Png, PngChunk};

/// Most files one letter may carry.
pub const MAX_FILES: usize = 5;
/// Largest accepted file, in bytes.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;
/// Longest display name, in chars.
const MAX_NAME_CHARS: usize = 120;

/// What an accepted file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Jpeg,
    Png,
    Pdf,
    Audio,
}

/// A file that may be stored.
#[derive(Clone, PartialEq, Eq)]
pub struct AcceptedFile {
    /// Sanitised display name: no path components, no control or bidi-override characters,
    /// no leading dots, whitespace collapsed, at most 120 chars (a short extension is kept
    /// when a longer name is cut), any script kept; `file.<ext>` when nothing is left.
    /// It is *not* adjusted to the sniffed type: serve with [`AcceptedFile::mime`].
    pub name: String,
    /// The sniffed type; the only type to serve the file with.
    pub mime: &'static str,
    pub kind: FileKind,
    /// The content to store: images rebuilt without metadata, everything else as sent.
    pub bytes: Vec<u8>,
}

impl AcceptedFile {
    /// The usual file name extension for the sniffed type, without the dot.
    pub fn extension(&self) -> &'static str {
        extension_for(self.mime)
    }
}

impl std::fmt::Debug for AcceptedFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AcceptedFile")
            .field("name", &self.name)
            .field("mime", &self.mime)
            .field("kind", &self.kind)
            .field("len", &self.bytes.len())
            .finish()
    }
}

/// Why a file was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    #[error("the file is larger than {MAX_FILE_BYTES} bytes")]
    TooLarge,
    #[error("the file is empty")]
    Empty,
    #[error("this type of file is not accepted")]
    ForbiddenType,
    #[error("the file is damaged")]
    Broken,
}

impl FileError {
    /// The Fluent message id to show the sender.
    pub fn message_id(&self) -> &'static str {
        match self {
            FileError::TooLarge => "err-file-too-large",
            FileError::Empty => "err-file-empty",
            FileError::ForbiddenType => "err-file-type",
            FileError::Broken => "err-file-broken",
        }
    }
}

/// Accepts or refuses one uploaded file. `file_name` is only used for the display name.
pub fn accept(file_name: &str, bytes: Vec<u8>) -> Result<AcceptedFile, FileError> {
    if bytes.is_empty() {
        return Err(FileError::Empty);
    }
    if bytes.len() > MAX_FILE_BYTES {
        return Err(FileError::TooLarge);
    }
    let (kind, mime) = sniff(&bytes).ok_or(FileError::ForbiddenType)?;
    let bytes = match kind {
        FileKind::Jpeg => clean_jpeg(bytes)?,
        FileKind::Png => clean_png(bytes)?,
        FileKind::Pdf => {
            check_pdf(&bytes)?;
            bytes
        }
        FileKind::Audio => bytes,
    };
    Ok(AcceptedFile {
        name: sanitise_name(file_name, mime),
        mime,
        kind,
        bytes,
    })
}

/// The type of a file from its content (magic bytes and a little structure), never from its
/// name. `None` for anything that is not accepted.
pub fn sniff(bytes: &[u8]) -> Option<(FileKind, &'static str)> {
    if bytes.starts_with(&[0xFF, markers::SOI, 0xFF]) {
        return Some((FileKind::Jpeg, "image/jpeg"));
    }
    if bytes.starts_with(PNG_SIGNATURE) {
        return Some((FileKind::Png, "image/png"));
    }
    if bytes.starts_with(b"%PDF-") {
        return Some((FileKind::Pdf, "application/pdf"));
    }
    sniff_audio(bytes).map(|mime| (FileKind::Audio, mime))
}

/// The usual file name extension for a sniffed type, without the dot.
pub fn extension_for(mime: &str) -> &'static str {
    match mime {
        "image/jpeg" => "jpg",
        "image/png" => "png",
        "application/pdf" => "pdf",
        "audio/mpeg" => "mp3",
        "audio/ogg" => "ogg",
        "audio/wav" => "wav",
        "audio/mp4" => "m4a",
        "audio/webm" => "webm",
        "audio/amr" | "audio/amr-wb" => "amr",
        _ => "bin",
    }
}

// ---------------------------------------------------------------------------------------------
// Names

/// Characters that are never shown: C0/C1 controls, bidi overrides and isolates (U+202E turns
/// `gpj.exe` into what looks like `exe.jpg`), zero-width characters, line/paragraph
/// separators, the BOM, interlinear annotation marks and tag characters.
fn is_hidden_char(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00AD}'
                | '\u{061C}'
                | '\u{180E}'
                | '\u{200B}'..='\u{200F}'
                | '\u{2028}'..='\u{202E}'
                | '\u{2060}'..='\u{206F}'
                | '\u{FEFF}'
                | '\u{FFF9}'..='\u{FFFB}'
                | '\u{E0000}'..='\u{E007F}'
        )
}

fn sanitise_name(file_name: &str, mime: &str) -> String {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or_default();
    let visible: String = base.chars().filter(|c| !is_hidden_char(*c)).collect();
    let collapsed = visible.split_whitespace().collect::<Vec<_>>().join(" ");
    let name = collapsed.trim_start_matches(|c: char| c == '.' || c.is_whitespace());
    let name = truncate_name(name);
    if name.is_empty() {
        format!("file.{}", extension_for(mime))
    } else {
        name
    }
}

/// Cuts `name` to [`MAX_NAME_CHARS`] chars, keeping a short extension (up to 10 chars) when
/// there is one, so that `very long … name.jpg` stays a `.jpg`.
fn truncate_name(name: &str) -> String {
    if name.chars().count() <= MAX_NAME_CHARS {
        return name.to_owned();
    }
    let ext = name
        .rsplit_once('.')
        .map(|(stem, ext)| (stem.chars().count(), ext))
        .filter(|(stem_len, ext)| *stem_len > 0 && (1..=10).contains(&ext.chars().count()));
    match ext {
        Some((_, ext)) => {
            let keep = MAX_NAME_CHARS - 1 - ext.chars().count();
            let stem: String = name.chars().take(keep).collect();
            format!("{}.{ext}", stem.trim_end())
        }
        None => name
            .chars()
            .take(MAX_NAME_CHARS)
            .collect::<String>()
            .trim_end()
            .to_owned(),
    }
}

// ---------------------------------------------------------------------------------------------
// JPEG

/// Whether a JPEG segment (before or between scans) may stay, and in what form.
fn keep_jpeg_segment(marker: u8, contents: &[u8]) -> Option<Option<Bytes>> {
    // `Some(None)`: keep as is; `Some(Some(c))`: keep with contents `c`; `None`: drop.
    match marker {
        markers::APP0 if contents.starts_with(b"JFIF\0") && contents.len() >= 14 => {
            // version, units, densities; thumbnail size set to 0 and its pixels dropped (a
            // thumbnail can show what an edited photo no longer does)
            let mut jfif = contents.get(..14)?.to_vec();
            jfif[12] = 0;
            jfif[13] = 0;
            Some(Some(Bytes::from(jfif)))
        }
        markers::APP2 if contents.starts_with(b"ICC_PROFILE\0") => Some(None),
        markers::APP14 if contents.len() == 12 && contents.starts_with(b"Adobe") => Some(None),
        markers::SOF0..=markers::SOF3
        | markers::DHT
        | markers::SOF5..=markers::SOF7
        | markers::SOF9..=markers::SOF11
        | markers::DAC
        | markers::SOF13..=markers::SOF15
        | markers::SOS
        | markers::DQT
        | markers::DNL
        | markers::DRI
        | markers::DHP
        | markers::EXP => Some(None),
        // APP0 JFXX and other APP0, APP1 EXIF/XMP, APP2 MPF/FlashPix, APP3..APP15 (APP13
        // IPTC/Photoshop included), COM, JPG and JPGn
        _ => None,
    }
}

fn is_sof(marker: u8) -> bool {
    matches!(
        marker,
        markers::SOF0..=markers::SOF3
            | markers::SOF5..=markers::SOF7
            | markers::SOF9..=markers::SOF11
            | markers::SOF13..=markers::SOF15
    )
}

fn has_length(marker: u8) -> bool {
    matches!(
        marker,
        markers::SOF0..=markers::SOF15
            | markers::SOS..=markers::EXP
            | markers::APP0..=markers::APP15
            | markers::JPG0..=markers::JPG13
            | markers::COM
    )
}

fn clean_jpeg(bytes: Vec<u8>) -> Result<Vec<u8>, FileError> {
    let jpeg = Jpeg::from_bytes(Bytes::from(bytes)).map_err(|_| FileError::Broken)?;
    let mut kept: Vec<JpegSegment> = Vec::with_capacity(jpeg.segments().len());
    let mut seen_sof = false;
    let mut seen_sos = false;
    for segment in jpeg.segments() {
        let marker = segment.marker();
        if marker == markers::SOS {
            // img-parts stops at the first scan: the segment's "entropy" is the rest of the
            // file (later scans, the segments between them, EOI and whatever follows).
            if !seen_sof || !segment.has_entropy() {
                return Err(FileError::Broken);
            }
            let whole = segment.clone().encoder().bytes();
            let rest = whole.get(segment.len()..).ok_or(FileError::Broken)?;
            let rest = clean_jpeg_scans(rest)?;
            kept.push(JpegSegment::new_with_entropy(
                markers::SOS,
                segment.contents().clone(),
                Bytes::from(rest),
            ));
            seen_sos = true;
            break;
        }
        seen_sof |= is_sof(marker);
        match keep_jpeg_segment(marker, segment.contents()) {
            Some(None) => kept.push(segment.clone()),
            Some(Some(contents)) => kept.push(JpegSegment::new_with_contents(marker, contents)),
            None => {}
        }
    }
    if !seen_sos {
        return Err(FileError::Broken);
    }
    let mut jpeg = jpeg;
    *jpeg.segments_mut() = kept;
    if jpeg.dimensions().is_none() {
        return Err(FileError::Broken);
    }
    Ok(Vec::from(jpeg.encoder().bytes()))
}

/// Walks the entropy-coded data after the first SOS header: copies scan data (with its
/// stuffed bytes and restart markers), filters the segments between scans like the header
/// ones, ends at EOI and drops everything after it. No EOI → [`FileError::Broken`].
fn clean_jpeg_scans(data: &[u8]) -> Result<Vec<u8>, FileError> {
    let mut out = Vec::with_capacity(data.len());
    let mut copy_from = 0;
    let mut i = 0;
    while i < data.len() {
        if data.get(i) != Some(&0xFF) {
            i += 1;
            continue;
        }
        // fill bytes: a marker may be preceded by any number of 0xFF
        let mut j = i + 1;
        while data.get(j) == Some(&0xFF) {
            j += 1;
        }
        let marker = *data.get(j).ok_or(FileError::Broken)?;
        if marker == 0x00 || (markers::RST0..=markers::RST7).contains(&marker) {
            i = j + 1;
            continue;
        }
        out.extend_from_slice(data.get(copy_from..i).ok_or(FileError::Broken)?);
        if marker == markers::EOI {
            out.extend_from_slice(&[0xFF, markers::EOI]);
            return Ok(out);
        }
        if !has_length(marker) {
            return Err(FileError::Broken);
        }
        let len_bytes = data.get(j + 1..j + 3).ok_or(FileError::Broken)?;
        let len = usize::from(u16::from_be_bytes([len_bytes[0], len_bytes[1]]));
        if len < 2 {
            return Err(FileError::Broken);
        }
        let contents = data.get(j + 3..j + 1 + len).ok_or(FileError::Broken)?;
        match keep_jpeg_segment(marker, contents) {
            Some(None) => {
                out.extend_from_slice(&[0xFF, marker]);
                out.extend_from_slice(data.get(j + 1..j + 1 + len).ok_or(FileError::Broken)?);
            }
            Some(Some(new)) => {
                let new_len = u16::try_from(new.len() + 2).map_err(|_| FileError::Broken)?;
                out.extend_from_slice(&[0xFF, marker]);
                out.extend_from_slice(&new_len.to_be_bytes());
                out.extend_from_slice(&new);
            }
            None => {}
        }
        i = j + 1 + len;
        copy_from = i;
    }
    Err(FileError::Broken)
}

// ---------------------------------------------------------------------------------------------
// PNG

const PNG_SIGNATURE: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];

/// Chunks needed to show the image as it was meant to look; everything else goes.
const PNG_KEPT_CHUNKS: &[[u8; 4]] = &[
    *b"IHDR", *b"PLTE", *b"IDAT", *b"IEND", *b"tRNS", *b"cHRM", *b"gAMA", *b"iCCP", *b"sBIT",
    *b"sRGB", *b"cICP", *b"mDCv", *b"cLLi", *b"bKGD", *b"hIST", *b"pHYs", *b"acTL", *b"fcTL",
    *b"fdAT",
];

fn clean_png(bytes: Vec<u8>) -> Result<Vec<u8>, FileError> {
    let mut png = Png::from_bytes(Bytes::from(bytes)).map_err(|_| FileError::Broken)?;
    let chunks = png.chunks();
    let first_ok = chunks
        .first()
        .is_some_and(|c| c.kind() == *b"IHDR" && c.contents().len() == 13);
    let last_ok = chunks.last().is_some_and(|c| c.kind() == *b"IEND");
    let ihdr_count = chunks.iter().filter(|c| c.kind() == *b"IHDR").count();
    let idat: Vec<usize> = chunks
        .iter()
        .enumerate()
        .filter(|(_, c)| c.kind() == *b"IDAT")
        .map(|(i, _)| i)
        .collect();
    let idat_ok = match (idat.first(), idat.last()) {
        (Some(first), Some(last)) => last - first + 1 == idat.len(),
        _ => false,
    };
    let unknown_critical = chunks.iter().any(|c| {
        let kind = c.kind();
        kind[0].is_ascii_uppercase() && !PNG_KEPT_CHUNKS.contains(&kind)
    });
    if !first_ok
        || !last_ok
        || ihdr_count != 1
        || !idat_ok
        || unknown_critical
        || png.dimensions().is_none()
    {
        return Err(FileError::Broken);
    }
    let kept: Vec<PngChunk> = chunks
        .iter()
        .filter(|c| PNG_KEPT_CHUNKS.contains(&c.kind()))
        .cloned()
        .collect();
    *png.chunks_mut() = kept;
    Ok(Vec::from(png.encoder().bytes()))
}

// ---------------------------------------------------------------------------------------------
// PDF

fn check_pdf(bytes: &[u8]) -> Result<(), FileError> {
    let tail = &bytes[bytes.len().saturating_sub(1024)..];
    let version_ok = bytes.get(5).is_some_and(u8::is_ascii_digit);
    if bytes.starts_with(b"%PDF-") && version_ok && contains(tail, b"%%EOF") {
        Ok(())
    } else {
        Err(FileError::Broken)
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

// ---------------------------------------------------------------------------------------------
// Audio

fn sniff_audio(b: &[u8]) -> Option<&'static str> {
    if b.starts_with(b"#!AMR\n") {
        return Some("audio/amr");
    }
    if b.starts_with(b"#!AMR-WB\n") {
        return Some("audio/amr-wb");
    }
    if b.len() >= 12 && b.starts_with(b"RIFF") && b.get(8..12) == Some(b"WAVE") {
        return Some("audio/wav");
    }
    if b.starts_with(b"OggS") {
        return is_ogg_audio(b).then_some("audio/ogg");
    }
    if b.get(4..8) == Some(b"ftyp") {
        return is_mp4_audio(b).then_some("audio/mp4");
    }
    if b.starts_with(&[0x1A, 0x45, 0xDF, 0xA3]) {
        return is_webm_audio(b).then_some("audio/webm");
    }
    if is_id3(b) {
        return Some("audio/mpeg");
    }
    if let Some(len) = mpeg_frame_len(b) {
        // one header could be chance: the next frame must follow (or the file end there)
        let next_ok = match b.get(len..) {
            None | Some([]) => true,
            Some(next) => mpeg_frame_len(next).is_some(),
        };
        return next_ok.then_some("audio/mpeg");
    }
    None
}

/// An ID3v2 tag header: `ID3`, version 2–4, flags, a 28-bit "syncsafe" size.
fn is_id3(b: &[u8]) -> bool {
    match b.get(..10) {
        Some([b'I', b'D', b'3', major, minor, _flags, size @ ..]) => {
            (2..=4).contains(major) && *minor != 0xFF && size.iter().all(|s| *s < 0x80)
        }
        _ => false,
    }
}

/// The length of the MPEG audio frame whose header starts `b`, if it is a valid header.
fn mpeg_frame_len(b: &[u8]) -> Option<usize> {
    let [0xFF, b1, b2, _] = *b.get(..4)? else {
        return None;
    };
    if b1 & 0xE0 != 0xE0 {
        return None;
    }
    let version = (b1 >> 3) & 3; // 0: MPEG 2.5, 1: reserved, 2: MPEG 2, 3: MPEG 1
    let layer = (b1 >> 1) & 3; // 0: reserved, 1: III, 2: II, 3: I
    let bitrate_index = usize::from(b2 >> 4);
    let rate_index = usize::from((b2 >> 2) & 3);
    let padding = usize::from((b2 >> 1) & 1);
    if version == 1 || layer == 0 || bitrate_index == 0 || bitrate_index == 15 || rate_index == 3 {
        return None;
    }
    const V1_L1: [usize; 15] = [
        0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448,
    ];
    const V1_L2: [usize; 15] = [
        0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384,
    ];
    const V1_L3: [usize; 15] = [
        0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320,
    ];
    const V2_L1: [usize; 15] = [
        0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256,
    ];
    const V2_L23: [usize; 15] = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
    let table = match (version, layer) {
        (3, 3) => &V1_L1,
        (3, 2) => &V1_L2,
        (3, _) => &V1_L3,
        (_, 3) => &V2_L1,
        _ => &V2_L23,
    };
    let bitrate = table.get(bitrate_index)? * 1000;
    let rate = match version {
        3 => [44_100, 48_000, 32_000],
        2 => [22_050, 24_000, 16_000],
        _ => [11_025, 12_000, 8_000],
    }
    .get(rate_index)
    .copied()?;
    let len = match layer {
        3 => (12 * bitrate / rate + padding) * 4,
        1 if version != 3 => 72 * bitrate / rate + padding,
        _ => 144 * bitrate / rate + padding,
    };
    (len > 4).then_some(len)
}

/// An Ogg stream whose first page starts an audio codec (not Theora video).
fn is_ogg_audio(b: &[u8]) -> bool {
    let Some(&segments) = b.get(26) else {
        return false;
    };
    let start = 27 + usize::from(segments);
    let Some(packet) = b.get(start..) else {
        return false;
    };
    b.get(4) == Some(&0)
        && b.get(5).is_some_and(|flags| flags & 0x02 != 0)
        && [&b"OpusHead"[..], b"\x01vorbis", b"Speex   ", b"\x7FFLAC"]
            .iter()
            .any(|codec| packet.starts_with(codec))
}

/// An ISO base media file with an audio brand and no video track.
fn is_mp4_audio(b: &[u8]) -> bool {
    let Some(size) = b.get(..4).and_then(|s| <[u8; 4]>::try_from(s).ok()) else {
        return false;
    };
    let brand_ok = matches!(b.get(8..12), Some(b"M4A " | b"mp42" | b"isom"));
    // hdlr box: "hdlr", version/flags (4), pre_defined (4), handler type
    let video = b
        .windows(16)
        .any(|w| w.starts_with(b"hdlr") && w.get(12..16) == Some(b"vide"));
    u32::from_be_bytes(size) >= 16 && brand_ok && !video
}

/// An EBML variable-length element id (marker bits kept) and the position after it.
fn ebml_id(b: &[u8], pos: usize) -> Option<(u32, usize)> {
    let first = *b.get(pos)?;
    let len = first.leading_zeros() as usize + 1;
    if len > 4 {
        return None;
    }
    let bytes = b.get(pos..pos + len)?;
    let id = bytes.iter().fold(0u32, |id, x| (id << 8) | u32::from(*x));
    Some((id, pos + len))
}

/// An EBML element size (`None` when "unknown") and the position after it.
fn ebml_size(b: &[u8], pos: usize) -> Option<(Option<usize>, usize)> {
    let first = *b.get(pos)?;
    let len = first.leading_zeros() as usize + 1;
    if len > 8 {
        return None;
    }
    let mask = 0xFFu8.checked_shr(len as u32).unwrap_or(0);
    let rest = b.get(pos + 1..pos + len)?;
    let unknown = first & mask == mask && rest.iter().all(|x| *x == 0xFF);
    let value = rest
        .iter()
        .fold(u64::from(first & mask), |v, x| (v << 8) | u64::from(*x));
    let size = if unknown {
        None
    } else {
        Some(usize::try_from(value).ok()?)
    };
    Some((size, pos + len))
}

/// The child elements of the element whose data is `b[start..end]`, as (id, data start,
/// data end); stops at the first child of unknown size, or at `stop_at`.
fn ebml_children(
    b: &[u8],
    start: usize,
    end: usize,
    stop_at: Option<u32>,
) -> Vec<(u32, usize, usize)> {
    let mut children = Vec::new();
    let mut pos = start;
    while pos < end {
        let Some((id, after_id)) = ebml_id(b, pos) else {
            break;
        };
        let Some((size, data)) = ebml_size(b, after_id) else {
            break;
        };
        if Some(id) == stop_at {
            break;
        }
        let Some(data_end) = size.and_then(|s| data.checked_add(s)) else {
            break;
        };
        children.push((id, data, data_end.min(end)));
        pos = data_end;
    }
    children
}

fn is_webm_audio(b: &[u8]) -> bool {
    const EBML: u32 = 0x1A45_DFA3;
    const DOC_TYPE: u32 = 0x4282;
    const SEGMENT: u32 = 0x1853_8067;
    const TRACKS: u32 = 0x1654_AE6B;
    const TRACK_ENTRY: u32 = 0xAE;
    const TRACK_TYPE: u32 = 0x83;
    const CLUSTER: u32 = 0x1F43_B675;
    const AUDIO: u64 = 2;

    let Some((EBML, header)) = ebml_id(b, 0) else {
        return false;
    };
    let Some((Some(header_len), header_data)) = ebml_size(b, header) else {
        return false;
    };
    let header_end = header_data.saturating_add(header_len);
    let doc_type_ok = ebml_children(b, header_data, header_end, None)
        .iter()
        .any(|(id, s, e)| *id == DOC_TYPE && b.get(*s..*e) == Some(b"webm"));
    if !doc_type_ok {
        return false;
    }
    let Some((SEGMENT, segment)) = ebml_id(b, header_end) else {
        return false;
    };
    let Some((segment_len, segment_data)) = ebml_size(b, segment) else {
        return false;
    };
    let segment_end = segment_len
        .and_then(|len| segment_data.checked_add(len))
        .map_or(b.len(), |end| end.min(b.len()));
    let mut track_types = Vec::new();
    for (id, start, end) in ebml_children(b, segment_data, segment_end, Some(CLUSTER)) {
        if id != TRACKS {
            continue;
        }
        for (id, start, end) in ebml_children(b, start, end, None) {
            if id != TRACK_ENTRY {
                continue;
            }
            let kind = ebml_children(b, start, end, None)
                .iter()
                .find(|(id, ..)| *id == TRACK_TYPE)
                .and_then(|(_, s, e)| b.get(*s..*e))
                .map(|v| v.iter().fold(0u64, |n, x| (n << 8) | u64::from(*x)));
            track_types.push(kind);
        }
    }
    !track_types.is_empty() && track_types.iter().all(|t| *t == Some(AUDIO))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    const PHOTO: &[u8] = include_bytes!("../tests/fixtures/photo.jpg");
    const PROGRESSIVE: &[u8] = include_bytes!("../tests/fixtures/progressive.jpg");
    const PIC: &[u8] = include_bytes!("../tests/fixtures/pic.png");
    const LETTER: &[u8] = include_bytes!("../tests/fixtures/letter.pdf");
    const WAV: &[u8] = include_bytes!("../tests/fixtures/tone.wav");
    const MP3: &[u8] = include_bytes!("../tests/fixtures/tone.mp3");
    const VORBIS: &[u8] = include_bytes!("../tests/fixtures/tone-vorbis.ogg");
    const OPUS: &[u8] = include_bytes!("../tests/fixtures/voice-opus.ogg");
    const M4A: &[u8] = include_bytes!("../tests/fixtures/voice.m4a");
    const ISOM_AUDIO: &[u8] = include_bytes!("../tests/fixtures/voice-isom.mp4");
    const WEBM_AUDIO: &[u8] = include_bytes!("../tests/fixtures/voice.webm");
    const WEBM_VIDEO: &[u8] = include_bytes!("../tests/fixtures/clip.webm");
    const MP4_VIDEO: &[u8] = include_bytes!("../tests/fixtures/clip.mp4");
    const SVG: &[u8] = include_bytes!("../tests/fixtures/drawing.svg");
    const HTML: &[u8] = include_bytes!("../tests/fixtures/page.html");

    /// GPSLatitude 42/1 52/1 714/25 as exiftool wrote it (big-endian rationals).
    const GPS_LATITUDE: &[u8] = &[
        0, 0, 0, 42, 0, 0, 0, 1, 0, 0, 0, 52, 0, 0, 0, 1, 0, 0, 2, 0xca, 0, 0, 0, 0x19,
    ];
    const SECRETS: &[&[u8]] = &[
        b"secret comment",
        b"Pupil Name",
        b"TestPhone",
        b"Exif\0\0",
        b"http://ns.adobe.com/xap",
        b"Photoshop 3.0",
        GPS_LATITUDE,
    ];

    fn has(haystack: &[u8], needle: &[u8]) -> bool {
        contains(haystack, needle)
    }

    fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
        haystack.windows(needle.len()).position(|w| w == needle)
    }

    fn first_sos(jpeg: &[u8]) -> usize {
        find(jpeg, &[0xFF, markers::SOS]).unwrap()
    }

    /// Markers of a JPEG's segments, as img-parts sees them, and checks it ends at EOI.
    fn reparse_jpeg(bytes: &[u8]) -> Jpeg {
        assert_eq!(&bytes[..2], &[0xFF, markers::SOI]);
        assert_eq!(&bytes[bytes.len() - 2..], &[0xFF, markers::EOI]);
        Jpeg::from_bytes(Bytes::copy_from_slice(bytes)).expect("output is a JPEG")
    }

    /// exiftool's view of the metadata, when it is installed (the test does not need it).
    fn exiftool_metadata(bytes: &[u8], ext: &str) -> Option<String> {
        let path = std::env::temp_dir().join(format!(
            "trustbox-upload-{}-{ext}.{ext}",
            std::process::id()
        ));
        std::fs::write(&path, bytes).unwrap();
        let out = std::process::Command::new("exiftool")
            .args([
                "-a",
                "-G1",
                "-s",
                "-GPS:all",
                "-EXIF:all",
                "-XMP:all",
                "-IPTC:all",
            ])
            .args(["-Comment", "-PNG:all", "-Make"])
            .arg(&path)
            .output();
        let _ = std::fs::remove_file(&path);
        let out = out
            .ok()
            .filter(|o| o.status.success() || !o.stdout.is_empty())?;
        Some(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    #[test]
    fn the_fixture_photo_really_carries_the_secrets() {
        for secret in SECRETS {
            assert!(has(PHOTO, secret), "fixture lacks {secret:?}");
        }
        let jpeg = Jpeg::from_bytes(Bytes::from_static(PHOTO)).unwrap();
        assert!(jpeg.segment_by_marker(markers::APP1).is_some());
        assert!(jpeg.segment_by_marker(markers::APP13).is_some());
        assert!(jpeg.segment_by_marker(markers::COM).is_some());
    }

    #[test]
    fn jpeg_photo_loses_gps_exif_xmp_iptc_and_comments() {
        let file = accept("photo.jpg", PHOTO.to_vec()).unwrap();
        assert_eq!(
            (file.kind, file.mime, file.name.as_str()),
            (FileKind::Jpeg, "image/jpeg", "photo.jpg")
        );
        for secret in SECRETS {
            assert!(!has(&file.bytes, secret), "output still has {secret:?}");
        }
        let jpeg = reparse_jpeg(&file.bytes);
        let kept: Vec<u8> = jpeg.segments().iter().map(JpegSegment::marker).collect();
        assert_eq!(
            kept,
            [
                markers::APP0,
                markers::APP2,
                markers::DQT,
                markers::DQT,
                markers::SOF0
            ]
            .into_iter()
            .chain([markers::DHT; 4])
            .chain([markers::SOS])
            .collect::<Vec<_>>()
        );
        assert!(img_parts::ImageEXIF::exif(&jpeg).is_none());
        // the ICC profile is kept, whole
        let before =
            img_parts::ImageICC::icc_profile(&Jpeg::from_bytes(Bytes::from_static(PHOTO)).unwrap());
        assert!(before.is_some());
        assert_eq!(img_parts::ImageICC::icc_profile(&jpeg), before);
        assert_eq!(jpeg.dimensions(), Some((64, 48)));
        // the picture itself is untouched: from the scan header to EOI, byte for byte
        assert_eq!(
            &file.bytes[first_sos(&file.bytes)..],
            &PHOTO[first_sos(PHOTO)..]
        );

        if let Some(meta) = exiftool_metadata(&file.bytes, "jpg") {
            assert!(!meta.contains("GPS"), "exiftool still sees: {meta}");
            for word in ["secret", "Pupil", "TestPhone", "[IFD0]", "[XMP", "[IPTC]"] {
                assert!(!meta.contains(word), "exiftool still sees {word}: {meta}");
            }
        }
    }

    #[test]
    fn jfif_thumbnail_is_dropped() {
        // APP0 JFIF claiming a 2x1 RGB thumbnail (6 bytes of pixels)
        let mut app0 = b"JFIF\0\x01\x02\x00\x00\x01\x00\x01\x02\x01".to_vec();
        app0.extend_from_slice(b"THUMBS");
        let mut bytes = vec![0xFF, markers::SOI, 0xFF, markers::APP0];
        bytes.extend_from_slice(&u16::try_from(app0.len() + 2).unwrap().to_be_bytes());
        bytes.extend_from_slice(&app0);
        let start = 2 + 2 + 16; // original SOI + APP0
        bytes.extend_from_slice(&PHOTO[start..]);
        let file = accept("t.jpg", bytes).unwrap();
        assert!(!has(&file.bytes, b"THUMBS"));
        let jpeg = reparse_jpeg(&file.bytes);
        let app0 = jpeg.segment_by_marker(markers::APP0).unwrap();
        assert_eq!(
            &app0.contents()[..],
            b"JFIF\0\x01\x02\x00\x00\x01\x00\x01\x00\x00"
        );
    }

    #[test]
    fn progressive_jpeg_is_cleaned_between_scans_and_after_eoi() {
        let sos_count = |b: &[u8]| b.windows(2).filter(|w| *w == [0xFF, markers::SOS]).count();
        assert!(sos_count(PROGRESSIVE) > 1, "fixture is not progressive");
        // a COM, an EXIF APP1 and an XMP APP1 just before the second scan
        let second_sos = first_sos(PROGRESSIVE)
            + 2
            + find(
                &PROGRESSIVE[first_sos(PROGRESSIVE) + 2..],
                &[0xFF, markers::SOS],
            )
            .unwrap();
        let mut bytes = PROGRESSIVE[..second_sos].to_vec();
        for (marker, body) in [
            (markers::COM, &b"between scans: secret comment"[..]),
            (markers::APP1, b"Exif\0\0MM\0*TestPhone"),
            (markers::APP1, b"http://ns.adobe.com/xap/1.0/\0Pupil Name"),
        ] {
            bytes.extend_from_slice(&[0xFF, marker]);
            bytes.extend_from_slice(&u16::try_from(body.len() + 2).unwrap().to_be_bytes());
            bytes.extend_from_slice(body);
        }
        bytes.extend_from_slice(&PROGRESSIVE[second_sos..]);
        // and what phones append after EOI (MPF images, vendor trailers)
        bytes.extend_from_slice(b"\xFF\xD8\xFF\xE1\x00\x10Exif\0\0Pupil Name\xFF\xD9");

        let file = accept("p.jpg", bytes).unwrap();
        for secret in SECRETS {
            assert!(!has(&file.bytes, secret), "output still has {secret:?}");
        }
        assert_eq!(sos_count(&file.bytes), sos_count(PROGRESSIVE));
        let jpeg = reparse_jpeg(&file.bytes);
        assert_eq!(jpeg.dimensions(), Some((64, 48)));
        assert!(jpeg.segment_by_marker(markers::SOF2).is_some());
        // scans untouched: the output after its first SOS is the original's minus COM/APP1
        let orig_scans = &PROGRESSIVE[first_sos(PROGRESSIVE)..];
        assert_eq!(&file.bytes[first_sos(&file.bytes)..], orig_scans);
    }

    #[test]
    fn truncated_jpeg_is_broken() {
        for cut in (4..PHOTO.len() - 1)
            .step_by(7)
            .chain([first_sos(PHOTO) + 40, PHOTO.len() - 1])
        {
            let half = PHOTO[..cut].to_vec();
            assert_eq!(
                accept("cut.jpg", half).unwrap_err(),
                FileError::Broken,
                "cut at {cut}"
            );
        }
        assert_eq!(
            accept("x.jpg", PHOTO[..PHOTO.len() / 2].to_vec()).unwrap_err(),
            FileError::Broken
        );
    }

    #[test]
    fn jpeg_without_frame_or_scan_is_broken() {
        // SOI, EOI: nothing in between
        assert_eq!(
            accept("e.jpg", vec![0xFF, 0xD8, 0xFF, 0xD9]).unwrap_err(),
            FileError::Broken
        );
        // a scan without a frame header: drop the SOF0 segment
        let sof = find(PHOTO, &[0xFF, markers::SOF0]).unwrap();
        let len = usize::from(u16::from_be_bytes([PHOTO[sof + 2], PHOTO[sof + 3]]));
        let mut bytes = PHOTO[..sof].to_vec();
        bytes.extend_from_slice(&PHOTO[sof + 2 + len..]);
        assert_eq!(accept("f.jpg", bytes).unwrap_err(), FileError::Broken);
    }

    #[test]
    fn png_loses_text_exif_xmp_and_time_chunks() {
        for secret in [
            &b"secret comment"[..],
            b"Pupil Name",
            b"TestPhone",
            b"eXIf",
            b"tEXt",
            b"iTXt",
            b"tIME",
        ] {
            assert!(has(PIC, secret), "fixture lacks {secret:?}");
        }
        let file = accept("pic.png", PIC.to_vec()).unwrap();
        assert_eq!((file.kind, file.mime), (FileKind::Png, "image/png"));
        for secret in [
            &b"secret comment"[..],
            b"Pupil Name",
            b"TestPhone",
            b"http://ns.adobe.com/xap",
            b"eXIf",
            b"tEXt",
            b"zTXt",
            b"iTXt",
            b"tIME",
            b"MM\0*",
        ] {
            assert!(!has(&file.bytes, secret), "output still has {secret:?}");
        }
        let png = Png::from_bytes(Bytes::copy_from_slice(&file.bytes)).expect("output is a PNG");
        let kinds: Vec<[u8; 4]> = png.chunks().iter().map(PngChunk::kind).collect();
        assert_eq!(
            kinds,
            [*b"IHDR", *b"gAMA", *b"cHRM", *b"bKGD", *b"IDAT", *b"IEND"]
        );
        assert_eq!(png.dimensions(), Some((32, 24)));
        let original = Png::from_bytes(Bytes::from_static(PIC)).unwrap();
        assert_eq!(
            png.chunk_by_type(*b"IDAT"),
            original.chunk_by_type(*b"IDAT")
        );
        assert!(img_parts::ImageEXIF::exif(&png).is_none());

        if let Some(meta) = exiftool_metadata(&file.bytes, "png") {
            for word in [
                "GPS",
                "secret",
                "Pupil",
                "TestPhone",
                "Author",
                "[XMP",
                "ModifyDate",
            ] {
                assert!(!meta.contains(word), "exiftool still sees {word}: {meta}");
            }
        }
    }

    #[test]
    fn damaged_png_is_broken() {
        let idat = find(PIC, b"IDAT").unwrap();
        let mut flipped = PIC.to_vec();
        flipped[idat + 20] ^= 0x40; // CRC no longer matches
        assert_eq!(accept("a.png", flipped).unwrap_err(), FileError::Broken);
        assert_eq!(
            accept("b.png", PIC[..PIC.len() / 2].to_vec()).unwrap_err(),
            FileError::Broken
        );
        // cut exactly before IEND: every chunk whole, but no end
        let iend = find(PIC, b"IEND").unwrap() - 4;
        assert_eq!(
            accept("c.png", PIC[..iend].to_vec()).unwrap_err(),
            FileError::Broken
        );
        // signature only
        assert_eq!(
            accept("d.png", PNG_SIGNATURE.to_vec()).unwrap_err(),
            FileError::Broken
        );
        // an unknown critical chunk cannot be dropped without breaking the image
        let mut bytes = PIC[..idat - 4].to_vec();
        bytes.extend(
            PngChunk::new(*b"CgBI", Bytes::from_static(b"x"))
                .encoder()
                .bytes(),
        );
        bytes.extend_from_slice(&PIC[idat - 4..]);
        assert_eq!(accept("e.png", bytes).unwrap_err(), FileError::Broken);
    }

    #[test]
    fn png_private_chunks_and_data_after_iend_are_dropped() {
        let idat = find(PIC, b"IDAT").unwrap() - 4;
        let mut bytes = PIC[..idat].to_vec();
        bytes.extend(
            PngChunk::new(*b"zTXt", Bytes::from_static(b"Comment\0\0x"))
                .encoder()
                .bytes(),
        );
        bytes.extend(
            PngChunk::new(*b"prVt", Bytes::from_static(b"Pupil Name"))
                .encoder()
                .bytes(),
        );
        bytes.extend_from_slice(&PIC[idat..]);
        bytes.extend_from_slice(b"after IEND: TestPhone");
        let file = accept("p.png", bytes).unwrap();
        assert!(!has(&file.bytes, b"Pupil Name"));
        assert!(!has(&file.bytes, b"TestPhone"));
        assert!(!has(&file.bytes, b"zTXt"));
        assert!(file.bytes.ends_with(b"IEND\xAE\x42\x60\x82"));
    }

    #[test]
    fn type_comes_from_content_not_name() {
        let file = accept("scan.pdf", PIC.to_vec()).unwrap();
        assert_eq!(
            (file.kind, file.mime, file.name.as_str()),
            (FileKind::Png, "image/png", "scan.pdf")
        );
        assert_eq!(file.extension(), "png");
        let file = accept("letter.jpg", LETTER.to_vec()).unwrap();
        assert_eq!((file.kind, file.mime), (FileKind::Pdf, "application/pdf"));
        assert_eq!(
            accept("photo.jpg", HTML.to_vec()).unwrap_err(),
            FileError::ForbiddenType
        );
        assert_eq!(
            accept("voice.mp3", HTML.to_vec()).unwrap_err(),
            FileError::ForbiddenType
        );
    }

    #[test]
    fn pdf_is_kept_as_is_when_whole() {
        let file = accept("letter.pdf", LETTER.to_vec()).unwrap();
        assert_eq!((file.kind, file.mime), (FileKind::Pdf, "application/pdf"));
        assert_eq!(file.bytes, LETTER);
        let eof = find(LETTER, b"%%EOF").unwrap();
        assert_eq!(
            accept("cut.pdf", LETTER[..eof].to_vec()).unwrap_err(),
            FileError::Broken
        );
        assert_eq!(
            accept("h.pdf", b"%PDF-".to_vec()).unwrap_err(),
            FileError::Broken
        );
        // %%EOF far from the end (something big appended) does not count
        let mut padded = LETTER.to_vec();
        padded.extend(std::iter::repeat_n(b' ', 2000));
        padded.extend_from_slice(b"<html>");
        assert_eq!(accept("p.pdf", padded).unwrap_err(), FileError::Broken);
    }

    #[test]
    fn audio_is_sniffed_and_kept_as_is() {
        let amr_nb = [&b"#!AMR\n"[..], &[0x3C; 32]].concat();
        let amr_wb = [&b"#!AMR-WB\n"[..], &[0x04; 32]].concat();
        for (name, bytes, mime) in [
            ("tone.wav", WAV, "audio/wav"),
            ("tone.mp3", MP3, "audio/mpeg"),
            ("tone.ogg", VORBIS, "audio/ogg"),
            ("voice.ogg", OPUS, "audio/ogg"),
            ("voice.m4a", M4A, "audio/mp4"),
            ("voice.mp4", ISOM_AUDIO, "audio/mp4"),
            ("voice.webm", WEBM_AUDIO, "audio/webm"),
            ("voice.amr", &amr_nb, "audio/amr"),
            ("voice.amr", &amr_wb, "audio/amr-wb"),
        ] {
            let file = accept(name, bytes.to_vec()).unwrap_or_else(|e| panic!("{name}: {e:?}"));
            assert_eq!((file.kind, file.mime), (FileKind::Audio, mime), "{name}");
            assert_eq!(file.bytes, bytes, "{name}");
        }
        assert!(OPUS.windows(8).any(|w| w == b"OpusHead"));
        assert_eq!(&ISOM_AUDIO[8..12], b"isom");
        // an ID3v2 tag in front of the frames
        let mut id3 = b"ID3\x04\x00\x00\x00\x00\x00\x0A".to_vec();
        id3.extend_from_slice(&[0; 10]);
        id3.extend_from_slice(MP3);
        assert_eq!(sniff(&id3), Some((FileKind::Audio, "audio/mpeg")));
    }

    #[test]
    fn forbidden_types_are_refused() {
        let mut x = 0x2545_F491_4F6C_DD1Du64;
        let random: Vec<u8> = (0..4096)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x >> 24) as u8
            })
            .collect();
        let theora = [
            &b"OggS\0\x02"[..],
            &[0; 20],
            &[1, 42],
            b"\x80theora",
            &[0; 34],
        ]
        .concat();
        let webp = [&b"RIFF\x20\0\0\0WEBPVP8 "[..], &[0; 20]].concat();
        let zip = b"PK\x03\x04\x14\0\0\0\x08\0word/document.xml".to_vec();
        let mp3_lookalike = [&[0xFF, 0xFB, 0x90, 0x00][..], &[0; 1000]].concat();
        for (name, bytes) in [
            ("random.jpg", &random[..]),
            ("photo.jpg", HTML),
            ("drawing.svg", SVG),
            ("drawing.png", SVG),
            ("clip.webm", WEBM_VIDEO),
            ("clip.m4a", MP4_VIDEO),
            ("clip.ogg", &theora),
            ("a.gif", b"GIF89a\x01\0\x01\0\0\0\0;"),
            ("a.exe", b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xFF\xFF\0\0"),
            ("a.elf", b"\x7FELF\x02\x01\x01\0\0\0\0\0\0\0\0\0"),
            ("a.docx", &zip),
            ("a.webp", &webp),
            ("a.mp3", &mp3_lookalike),
            ("a.txt", b"hello"),
        ] {
            assert_eq!(
                accept(name, bytes.to_vec()).unwrap_err(),
                FileError::ForbiddenType,
                "{name}"
            );
            assert_eq!(sniff(bytes), None, "{name}");
        }
    }

    #[test]
    fn size_is_checked_before_anything_else() {
        assert_eq!(
            accept("empty.jpg", Vec::new()).unwrap_err(),
            FileError::Empty
        );
        assert_eq!(
            accept("big.bin", vec![0; MAX_FILE_BYTES + 1]).unwrap_err(),
            FileError::TooLarge
        );
        let mut big_png = PIC.to_vec();
        big_png.resize(MAX_FILE_BYTES + 1, 0);
        assert_eq!(accept("big.png", big_png).unwrap_err(), FileError::TooLarge);
        // exactly the limit is not too large
        assert_eq!(
            accept("max.bin", vec![0; MAX_FILE_BYTES]).unwrap_err(),
            FileError::ForbiddenType
        );
        let mut max_pdf = LETTER.to_vec();
        max_pdf.splice(
            9..9,
            std::iter::repeat_n(b'%', MAX_FILE_BYTES - LETTER.len()),
        );
        assert_eq!(max_pdf.len(), MAX_FILE_BYTES);
        assert!(accept("max.pdf", max_pdf).is_ok());
    }

    #[test]
    fn names_are_sanitised() {
        let name = |n: &str| sanitise_name(n, "image/jpeg");
        assert_eq!(name("../../etc/passwd"), "passwd");
        assert_eq!(name("C:\\Users\\Айгүл\\фото 1.jpg"), "фото 1.jpg");
        assert_eq!(name("\u{202e}gpj.exe"), "gpj.exe");
        assert_eq!(name("a\u{0}b\u{7}c\u{1b}[31m.jpg"), "abc[31m.jpg");
        assert_eq!(name("  my \t\n  photo\u{2067}  .jpg "), "my photo .jpg");
        assert_eq!(name("...hidden"), "hidden");
        assert_eq!(name(". . .jpg"), "jpg");
        assert_eq!(name("folder/"), "file.jpg");
        assert_eq!(name(""), "file.jpg");
        assert_eq!(name("\u{200b}\u{feff}"), "file.jpg");
        assert_eq!(sanitise_name("../..", "audio/amr"), "file.amr");
        assert_eq!(sanitise_name("/", "application/pdf"), "file.pdf");
        assert_eq!(name("Кыргызча сүрөт.jpg"), "Кыргызча сүрөт.jpg");

        let long = format!("{}.jpg", "ж".repeat(300));
        let cut = name(&long);
        assert_eq!(cut.chars().count(), MAX_NAME_CHARS);
        assert!(cut.ends_with("жж.jpg"));
        let long = "ү".repeat(300);
        assert_eq!(name(&long), "ү".repeat(MAX_NAME_CHARS));
        let long = format!("{} .{}", "a".repeat(150), "b".repeat(30)); // no short extension
        assert_eq!(name(&long), "a".repeat(MAX_NAME_CHARS));
        assert_eq!(name(&format!("{}x.jpg", " ".repeat(200))), "x.jpg");
    }

    #[test]
    fn accepted_name_falls_back_to_the_sniffed_type() {
        assert_eq!(accept("", PIC.to_vec()).unwrap().name, "file.png");
        assert_eq!(accept("../", WAV.to_vec()).unwrap().name, "file.wav");
    }

    #[test]
    fn message_ids() {
        assert_eq!(FileError::TooLarge.message_id(), "err-file-too-large");
        assert_eq!(FileError::Empty.message_id(), "err-file-empty");
        assert_eq!(FileError::ForbiddenType.message_id(), "err-file-type");
        assert_eq!(FileError::Broken.message_id(), "err-file-broken");
    }
}
