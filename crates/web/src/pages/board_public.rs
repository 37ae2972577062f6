//! The public answer board of a school: answers to anonymous letters and invitations to a
//! personal conversation, each identified by the letter's date and time and its journal number
//! — never by anything that could name the author, and never by the letter itself.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use trustbox_domain::Lang;
use trustbox_i18n::Tr;
use trustbox_store::{StoreError, Unit};

use super::box_public::PublicLayout;
use super::fmt_datetime;
use crate::intake::{board_aad, key_aad};
use crate::{AppError, AppState};

/// An item as the public sees it.
pub struct PublicItem {
    pub invitation: bool,
    pub letter_ref: String,
    pub text: String,
    pub published: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "board.html")]
struct BoardPage {
    p: PublicLayout,
    tr: Tr,
    slug: String,
    name: String,
    items: Vec<PublicItem>,
}

/// The items on a school's board now, ready to show.
pub async fn items(state: &AppState, school: &Unit, tr: Tr) -> Result<Vec<PublicItem>, StoreError> {
    let now = state.clock.now_ts();
    let mut out = Vec::new();
    for b in state.store.board(school.id, now).await? {
        let Ok(dk) = state
            .keys
            .unwrap_data_key(&b.data_key, &key_aad(school.id, b.appeal_id))
        else {
            continue; // destroyed
        };
        let when = fmt_datetime(school, b.received_at);
        let number = format!("{}/{}", b.journal_year, b.journal_seq);
        let letter_ref = tr.ta(
            "board-letter-ref",
            &[
                ("when", when.as_str().into()),
                ("number", number.as_str().into()),
            ],
        );
        let invitation = b.kind == "invitation";
        let text = if invitation {
            tr.t1("board-invitation", "when", when.as_str())
        } else {
            dk.open_string(&board_aad(school.id, b.appeal_id, b.id), &b.text_enc)
                .unwrap_or_default()
        };
        out.push(PublicItem {
            invitation,
            letter_ref,
            text,
            published: fmt_datetime(school, b.published_at),
        });
    }
    Ok(out)
}

pub async fn board(
    State(state): State<AppState>,
    Path((lang, slug)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let tr = Tr::new(Lang::parse(&lang).ok_or(AppError::NotFound(Tr::new(Lang::Ru)))?);
    let school = match crate::cache::unit_by_slug(&state, &slug).await {
        Ok(u) if u.kind == "school" => u,
        Ok(_) | Err(StoreError::NotFound) => return Err(AppError::NotFound(tr)),
        Err(e) => return Err(AppError::internal(tr)(e)),
    };
    let items = items(&state, &school, tr)
        .await
        .map_err(AppError::internal(tr))?;
    let name = school.name(tr.code()).to_string();
    Ok(BoardPage {
        p: PublicLayout::new(tr, tr.t("board-title"), &format!("/{}/board", school.slug)),
        tr,
        slug: school.slug,
        name,
        items,
    }
    .into_response())
}

fn pdf(bytes: Vec<u8>, file: String) -> Response {
    (
        [
            (
                axum::http::header::CONTENT_TYPE,
                "application/pdf".to_string(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}.pdf\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// The board as an A4 sheet for the physical stand, in the school's language.
pub async fn board_sheet(
    State(state): State<AppState>,
    staff: crate::session::Staff,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let tr = staff.tr;
    let (school, _) = staff
        .unit(&state, &slug, trustbox_domain::Action::ViewInbox)
        .await?;
    let dtr = Tr::new(Lang::parse(&school.default_lang).unwrap_or(tr.lang()));
    let items = items(&state, &school, dtr)
        .await
        .map_err(AppError::internal(tr))?;
    let doc = trustbox_docs::BoardDoc {
        lang: dtr.lang(),
        school_name: school.name(dtr.code()).to_string(),
        items: items
            .into_iter()
            .map(|i| trustbox_docs::BoardItem {
                kind: if i.invitation {
                    trustbox_docs::BoardItemKind::Invitation
                } else {
                    trustbox_docs::BoardItemKind::Answer
                },
                letter_ref: i.letter_ref,
                text: if i.invitation { String::new() } else { i.text },
                published_on: i.published,
            })
            .collect(),
        printed_on: fmt_datetime(&school, state.clock.now_ts()),
    };
    let bytes =
        trustbox_docs::board_pdf(&doc).map_err(|e| AppError::Internal(tr, e.to_string()))?;
    Ok(pdf(bytes, format!("board-{}", school.slug)))
}

/// The A4 poster for the corridor: how to write, a QR code to the school's page, the trust phone
/// and the helplines; in the school's language, with Russian below unless that is Russian.
pub async fn poster(
    State(state): State<AppState>,
    staff: crate::session::Staff,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let tr = staff.tr;
    let (school, _) = staff
        .unit(&state, &slug, trustbox_domain::Action::ViewSchool)
        .await?;
    let lang = Lang::parse(&school.default_lang).unwrap_or(Lang::Ru);
    let dtr = Tr::new(lang);
    let settings = state
        .store
        .school_settings(school.id)
        .await
        .map_err(AppError::internal(tr))?;
    let line = state
        .store
        .phone_line(school.id)
        .await
        .map_err(AppError::internal(tr))?;
    let country =
        trustbox_domain::Country::parse(&school.country).unwrap_or(trustbox_domain::Country::Kg);
    let doc = trustbox_docs::PosterDoc {
        lang,
        second_lang: (lang != Lang::Ru).then_some(Lang::Ru),
        school_name: school.name(dtr.code()).to_string(),
        url: format!(
            "{}/{}/{}",
            state.config.public_url.trim_end_matches('/'),
            lang.code(),
            school.slug
        ),
        phones: line.numbers,
        phone_hours: crate::phone::hours_lines(
            &trustbox_domain::phone::PhoneHours::parse(&line.hours).unwrap_or_default(),
            dtr,
        )
        .join("; "),
        helplines: crate::helplines::helplines(country)
            .iter()
            .map(|(n, id)| (n.to_string(), dtr.t(id)))
            .collect(),
        opening_schedule: settings.opening_schedule,
    };
    let bytes =
        trustbox_docs::poster_pdf(&doc).map_err(|e| AppError::Internal(tr, e.to_string()))?;
    Ok(pdf(bytes, format!("poster-{}", school.slug)))
}
