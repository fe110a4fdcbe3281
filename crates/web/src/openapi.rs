//! The OpenAPI 3.1 document of the JSON API, generated from the handlers' `#[utoipa::path]`
//! annotations and the bodies' `ToSchema` types: the paths, parameters, request bodies and
//! response schemas are those of the code that serves them. A test checks that every route
//! of the table under `/api/v1` is in the document and nothing else is, and a snapshot keeps
//! the whole document under review. Nothing is downloaded to make it.

use axum::Json;
use utoipa::OpenApi;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};

use crate::guard::Access::Public;
use crate::routes::Table;
use crate::{accounts, catalogue, practice};

pub(crate) fn routes() -> Table {
    Table::new().get("/api/v1/openapi.json", Public, openapi_json)
}

/// `GET /api/v1/openapi.json`.
#[utoipa::path(
    get,
    path = "/openapi.json",
    operation_id = "openapi",
    summary = "This document",
    responses((status = 200, description = "The OpenAPI document", content_type = "application/json"))
)]
async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(document())
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "studypack API",
        version = "1",
        description = "Past-paper essay questions with mark schemes, plans and model essays, and feedback on essays. Complete model essays are premium: unless the reader's Study Pack covers the question, `model_essay` is null and `model_essay_teaser` holds the opening. Sign in with POST /session and send the token as `Authorization: Bearer`. Limits: request bodies up to 1 MiB, essays up to 100 kB, mark schemes up to 20 kB; a NUL character anywhere in a request is refused with 400."
    ),
    servers((url = "/api/v1")),
    paths(
        catalogue::api::list_questions,
        catalogue::api::get_question,
        catalogue::api::search,
        accounts::api::create_session,
        accounts::api::end_session,
        accounts::api::redeem,
        practice::api::feedback,
        practice::api::get_draft,
        practice::api::save_draft,
        openapi_json,
    ),
    modifiers(&Security)
)]
struct ApiDoc;

/// The two ways to authenticate.
struct Security;

impl utoipa::Modify for Security {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        let mut bearer = HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build();
        bearer.description = Some("The token from POST /session".into());
        components.add_security_scheme("bearer", SecurityScheme::Http(bearer));
        components.add_security_scheme(
            "cookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                crate::session::SESSION_COOKIE,
                "The session cookie; writes also need the session's CSRF token in the X-CSRF-Token header",
            ))),
        );
    }
}

/// The document.
pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}
