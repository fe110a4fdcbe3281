//! The OpenAPI 3 document of the JSON API, built in code next to the routes it describes
//! (a test checks that every API route is in it). Nothing is downloaded to make it.

use axum::Json;
use serde_json::{Value, json};

use crate::guard::Access::Public;
use crate::routes::Table;

pub(crate) fn routes() -> Table {
    Table::new().get("/api/v1/openapi.json", Public, openapi_json)
}

async fn openapi_json() -> Json<Value> {
    Json(document())
}

fn param(name: &str, description: &str, schema: Value) -> Value {
    json!({ "name": name, "in": "query", "required": false, "description": description, "schema": schema })
}

fn error_responses() -> Value {
    json!({
        "400": { "description": "Invalid parameters (including a NUL character anywhere in the request)", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } },
        "500": { "description": "Server error", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } }
    })
}

/// Responses of an operation with a JSON request body: also 413 past the body limit.
fn with_body_errors(mut r: Value) -> Value {
    r["413"] = json!({ "description": "The body is larger than 1 MiB", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } });
    r
}

/// A JSON request body of schema `name`.
fn body(name: &str) -> Value {
    json!({ "required": true, "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{name}") } } } })
}

/// Responses of an operation that may need sign-in and is rate limited.
fn with_auth_errors(ok: Value) -> Value {
    let mut r = with_errors(ok);
    let err = json!({ "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } });
    for (code, what) in [
        ("401", "Sign in first, or wrong email or password"),
        ("403", "A missing or wrong CSRF token (cookie sessions)"),
        ("404", "No such question"),
        ("429", "Rate limited: see the Retry-After header"),
    ] {
        let mut e = err.clone();
        e["description"] = json!(what);
        r[code] = e;
    }
    r
}

fn with_errors(ok: Value) -> Value {
    let mut r = error_responses();
    r["200"] = ok;
    r
}

pub fn document() -> Value {
    let s = || json!({ "type": "string" });
    let ns = || json!({ "type": ["string", "null"] });
    let filters = vec![
        param(
            "board",
            "Exam board, e.g. AQA, OCR, Cambridge International",
            s(),
        ),
        param("level", "Qualification level, e.g. A Level", s()),
        param("topic", "Topic slug, or words of the topic title", s()),
        param(
            "year",
            "Year examined",
            json!({ "type": "integer", "minimum": 0, "maximum": 65535 }),
        ),
        param(
            "command",
            "Command wording, e.g. Assess the validity of this view",
            s(),
        ),
        param(
            "page",
            "Page number, 1 to 100000",
            json!({ "type": "integer", "minimum": 1, "maximum": 100_000 }),
        ),
        param(
            "per_page",
            "Items per page, 1 to 100 (default 20)",
            json!({ "type": "integer", "minimum": 1, "maximum": 100 }),
        ),
    ];
    let search_params = vec![
        param(
            "q",
            "Query: words, \"phrases\"; misspelt names are tolerated (at most 500 characters)",
            json!({ "type": "string", "maxLength": 500 }),
        ),
        param("board", "Exam board", s()),
        param("level", "Qualification level", s()),
        param("topic", "Topic slug", s()),
        param("command", "Command wording", s()),
        param(
            "year_from",
            "Earliest year examined, 1900 to 2100",
            json!({ "type": "integer", "minimum": 1900, "maximum": 2100 }),
        ),
        param(
            "year_to",
            "Latest year examined, 1900 to 2100",
            json!({ "type": "integer", "minimum": 1900, "maximum": 2100 }),
        ),
        param(
            "page",
            "Page number, 1 to 100000",
            json!({ "type": "integer", "minimum": 1, "maximum": 100_000 }),
        ),
    ];
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "studypack API",
            "version": "1",
            "description": "Past-paper essay questions with mark schemes, plans and model essays, and feedback on essays. Complete model essays are premium: unless the reader's Study Pack covers the question, `model_essay` is null and `model_essay_teaser` holds the opening. Sign in with POST /session and send the token as `Authorization: Bearer`."
        },
        "servers": [{ "url": "/api/v1" }],
        "paths": {
            "/questions": { "get": {
                "operationId": "listQuestions", "summary": "List published questions with filters and pagination",
                "parameters": filters,
                "responses": with_errors(json!({ "description": "A page of questions", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/QuestionList" } } } }))
            }},
            "/questions/{slug}": { "get": {
                "operationId": "getQuestion", "summary": "One question: mark scheme, plan, and the model essay's teaser",
                "parameters": [{ "name": "slug", "in": "path", "required": true, "schema": s() }],
                "responses": with_errors(json!({ "description": "The question", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Question" } } } }))
                    .as_object().cloned().map(|mut m| { m.insert("404".into(), json!({ "description": "No such question", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } })); Value::Object(m) }).unwrap_or_default()
            }},
            "/search": { "get": {
                "operationId": "search", "summary": "Full-text search with facets and highlighted snippets",
                "parameters": search_params,
                "responses": with_errors(json!({ "description": "Results", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/SearchResults" } } } }))
            }},
            "/openapi.json": { "get": {
                "operationId": "openapi", "summary": "This document",
                "responses": { "200": { "description": "The OpenAPI document", "content": { "application/json": {} } } }
            }},
            "/session": {
                "post": {
                    "operationId": "signIn", "summary": "Sign in: a token for `Authorization: Bearer`, also set as the session cookie",
                    "requestBody": body("SessionRequest"),
                    "responses": with_body_errors(with_auth_errors(json!({ "description": "Signed in", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Session" } } } })))
                },
                "delete": {
                    "operationId": "signOut", "summary": "Sign out (ends the session on the server)",
                    "security": [{ "bearer": [] }, { "cookie": [] }],
                    "responses": {
                        "204": { "description": "Signed out" },
                        "401": { "description": "No session to end (missing, expired or unknown token)", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } },
                        "403": { "description": "A missing or wrong CSRF token (cookie sessions)", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } }
                    }
                }
            },
            "/redeem": { "post": {
                "operationId": "redeem", "summary": "Redeem a Study Pack licence code (once per code)",
                "security": [{ "bearer": [] }, { "cookie": [] }],
                "requestBody": body("RedeemRequest"),
                "responses": with_body_errors(with_auth_errors(json!({ "description": "The pack now held", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Pack" } } } })))
            }},
            "/feedback": { "post": {
                "operationId": "feedback", "summary": "The feedback engine's report on an essay, against a question's mark scheme or one of your own (rate limited; essays up to 100 kB)",
                "requestBody": body("FeedbackRequest"),
                "responses": with_body_errors(with_auth_errors(json!({ "description": "The report (see docs/feedback.md)", "content": { "application/json": { "schema": { "type": "object", "required": ["points", "coverage", "judgement", "level", "flags"] } } } })))
            }},
            "/drafts/{slug}": {
                "get": {
                    "operationId": "getDraft", "summary": "The signed-in student's draft for a question",
                    "security": [{ "bearer": [] }, { "cookie": [] }],
                    "parameters": [{ "name": "slug", "in": "path", "required": true, "schema": s() }],
                    "responses": with_auth_errors(json!({ "description": "The draft", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Draft" } } } }))
                        .as_object().cloned().map(|mut m| { m.insert("204".into(), json!({ "description": "No draft" })); Value::Object(m) }).unwrap_or_default()
                },
                "put": {
                    "operationId": "saveDraft", "summary": "Save the signed-in student's draft (autosave)",
                    "security": [{ "bearer": [] }, { "cookie": [] }],
                    "parameters": [{ "name": "slug", "in": "path", "required": true, "schema": s() }],
                    "requestBody": body("DraftRequest"),
                    "responses": with_body_errors(with_auth_errors(json!({ "description": "Saved", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Draft" } } } })))
                }
            }
        },
        "components": {
        "securitySchemes": {
            "bearer": { "type": "http", "scheme": "bearer", "description": "The token from POST /session" },
            "cookie": { "type": "apiKey", "in": "cookie", "name": "sp_session", "description": "The session cookie; writes also need the session's CSRF token in the X-CSRF-Token header" }
        },
        "schemas": {
            "SessionRequest": { "type": "object", "required": ["email", "password"], "properties": { "email": s(), "password": s() } },
            "Session": { "type": "object", "properties": { "token": s(), "csrf_token": s(), "expires_at": { "type": "integer" },
                "user": { "type": "object", "properties": { "email": s(), "role": { "enum": ["student", "editor", "admin"] } } } } },
            "RedeemRequest": { "type": "object", "required": ["code"], "properties": { "code": { "type": "string", "description": "XXXXX-XXXXX-XXXXX-XXXXX" } } },
            "Pack": { "type": "object", "properties": { "pack": s(), "covers": s(), "expires_at": { "type": ["integer", "null"] } } },
            "FeedbackRequest": {
                "description": "The essay (`text`, at most 100 kB) and exactly one of `question` or `scheme`",
                "oneOf": [
                    { "type": "object", "required": ["text", "question"], "not": { "required": ["scheme"] }, "properties": {
                        "question": { "type": "string", "description": "A question's slug" }, "text": { "type": "string", "description": "The essay, at most 100 kB of UTF-8" } } },
                    { "type": "object", "required": ["text", "scheme"], "not": { "required": ["question"] }, "properties": {
                        "scheme": { "type": "string", "description": "A plain-text mark scheme, at most 20 kB of UTF-8" }, "text": { "type": "string", "description": "The essay, at most 100 kB of UTF-8" } } }
                ] },
            "DraftRequest": { "type": "object", "required": ["text"], "properties": { "text": s() } },
            "Draft": { "type": "object", "properties": { "body": s(), "started_at": { "type": "integer" }, "updated_at": { "type": "integer" } } },
            "Error": { "type": "object", "required": ["error"], "properties": { "error": { "type": "object", "required": ["code", "message"], "properties": { "code": s(), "message": s() } } } },
            "QuestionSummary": { "type": "object", "required": ["slug", "title", "topic", "year", "question"], "properties": {
                "slug": s(), "title": s(), "board": ns(), "level": ns(), "component": ns(), "topic": s(), "topic_slug": s(),
                "year": { "type": "integer" }, "marks": { "type": "integer" }, "command": s(), "question": s(), "status": s() } },
            "QuestionList": { "type": "object", "required": ["total", "page", "per_page", "items"], "properties": {
                "total": { "type": "integer" }, "page": { "type": "integer" }, "per_page": { "type": "integer" },
                "items": { "type": "array", "items": { "$ref": "#/components/schemas/QuestionSummary" } } } },
            "MarkScheme": { "type": "object", "properties": {
                "supporting": { "type": "array", "items": s() }, "challenging": { "type": "array", "items": s() }, "neutral": { "type": "array", "items": s() } } },
            "Question": { "type": "object", "required": ["slug", "question", "mark_scheme", "plan", "model_essay"], "properties": {
                "slug": s(), "title": s(), "board": ns(), "level": ns(),
                "component": { "type": ["object", "null"], "properties": { "code": s(), "title": s() } },
                "topic": s(), "topic_slug": s(), "year": { "type": "integer" }, "question": s(), "marks": { "type": "integer" },
                "command": s(), "view": ns(),
                "period": { "type": ["object", "null"], "properties": { "start": { "type": "integer" }, "end": { "type": "integer" } } },
                "status": s(), "mark_scheme": { "$ref": "#/components/schemas/MarkScheme" }, "plan": s(), "plan_generated": { "type": "boolean" },
                "model_essay": { "type": ["string", "null"], "description": "The complete model essay: null without the Study Pack" },
                "model_essay_teaser": ns(), "premium": { "type": "boolean" },
                "unlocked": { "type": "boolean", "description": "The reader's Study Pack covers this question: model_essay holds the essay" }, "url": s() } },
            "SearchHit": { "type": "object", "properties": {
                "slug": s(), "title": s(), "question": s(), "board": ns(), "level": ns(), "topic": s(), "topic_slug": s(),
                "year": { "type": "integer" }, "snippet_html": { "type": "string", "description": "Escaped HTML with matches in <mark>" }, "score": { "type": "number" } } },
            "FacetCount": { "type": "object", "properties": { "value": s(), "count": { "type": "integer" } } },
            "SearchResults": { "type": "object", "properties": {
                "total": { "type": "integer" },
                "hits": { "type": "array", "items": { "$ref": "#/components/schemas/SearchHit" } },
                "facets": { "type": "object", "properties": {
                    "board": { "type": "array", "items": { "$ref": "#/components/schemas/FacetCount" } },
                    "level": { "type": "array", "items": { "$ref": "#/components/schemas/FacetCount" } },
                    "topic": { "type": "array", "items": { "$ref": "#/components/schemas/FacetCount" } },
                    "year": { "type": "array", "items": { "$ref": "#/components/schemas/FacetCount" } },
                    "command": { "type": "array", "items": { "$ref": "#/components/schemas/FacetCount" } } } } } }
        } }
    })
}
