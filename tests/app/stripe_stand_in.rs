//! A local stand-in for the parts of Stripe's API the service calls: creating, reading and listing
//! Checkout Sessions. Its answers have the shape of Stripe's own (every field async-stripe requires,
//! written here from the API's object definition), and it keeps what it was sent so that tests can
//! check the amount, currency, metadata and idempotency key. Like Stripe, a repeated idempotency key
//! gets the first answer again, and it refuses what Stripe refuses of the requests the service makes:
//! no API key (401), an idempotency key reused with other parameters (`idempotency_error`), and a
//! Checkout Session whose `expires_at` is less than 30 minutes or more than 24 hours after its
//! creation (`invalid_request_error` on `expires_at`). Its list pages as Stripe's does (`limit`
//! 1–100, default 10, `starting_after`, `has_more`), so a caller that reads one page only misses
//! sessions here as it would there.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Form, Json, Router};
use serde_json::{Value, json};

/// One `POST /v1/checkout/sessions` as received.
#[derive(Debug, Clone)]
pub struct Created {
    pub idempotency_key: Option<String>,
    pub authorization: Option<String>,
    pub form: HashMap<String, String>,
    pub session: String,
}

#[derive(Default)]
struct Inner {
    created: Vec<Created>,
    sessions: Vec<Value>,
    by_key: HashMap<String, Value>,
    /// The parameters each idempotency key was first used with.
    key_params: HashMap<String, HashMap<String, String>>,
    refunds: Vec<Created>,
}

#[derive(Clone, Default)]
pub struct StandIn(Arc<Mutex<Inner>>);

impl StandIn {
    /// Starts the stand-in on a free port; returns it and its base URL (with the trailing slash).
    pub async fn start() -> (StandIn, String) {
        let stand_in = StandIn::default();
        let app = Router::new()
            .route("/v1/checkout/sessions", get(list).post(create))
            .route("/v1/checkout/sessions/{id}", get(retrieve))
            .route("/v1/refunds", axum::routing::post(create_refund))
            .with_state(stand_in.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        (stand_in, format!("http://{addr}/"))
    }

    /// Every creation request received, oldest first.
    pub fn created(&self) -> Vec<Created> {
        self.0.lock().unwrap().created.clone()
    }

    /// Every refund request received (its `session` field holds the refund's id), oldest first.
    pub fn refunds(&self) -> Vec<Created> {
        self.0.lock().unwrap().refunds.clone()
    }

    /// Marks a session paid (what a customer finishing the checkout does); returns it.
    pub fn pay(&self, session: &str) -> Value {
        let mut inner = self.0.lock().unwrap();
        let s = inner
            .sessions
            .iter_mut()
            .find(|s| s["id"] == session)
            .expect("a session the stand-in created");
        s["payment_status"] = "paid".into();
        s["status"] = "complete".into();
        s["payment_intent"] = format!("pi_{}", &session[3..]).into();
        s.clone()
    }
}

/// A Checkout Session object as Stripe returns it, from what was asked.
fn session_object(id: &str, form: &HashMap<String, String>) -> Value {
    let get = |k: &str| form.get(k).cloned();
    let metadata: serde_json::Map<String, Value> = form
        .iter()
        .filter_map(|(k, v)| {
            k.strip_prefix("metadata[")
                .and_then(|k| k.strip_suffix(']'))
                .map(|k| (k.to_owned(), Value::from(v.clone())))
        })
        .collect();
    let amount: Option<i64> =
        get("line_items[0][price_data][unit_amount]").and_then(|a| a.parse().ok());
    let created = time::OffsetDateTime::now_utc().unix_timestamp();
    json!({
        "id": id,
        "object": "checkout.session",
        "amount_subtotal": amount,
        "amount_total": amount,
        "automatic_tax": { "enabled": false, "liability": null, "provider": null, "status": null },
        "cancel_url": get("cancel_url"),
        "client_reference_id": get("client_reference_id"),
        "created": created,
        "currency": get("line_items[0][price_data][currency]"),
        "custom_fields": [],
        "custom_text": {
            "after_submit": null, "shipping_address": null, "submit": null,
            "terms_of_service_acceptance": null
        },
        "customer_email": get("customer_email"),
        "expires_at": get("expires_at").and_then(|e| e.parse::<i64>().ok()).unwrap_or(created + 86_400),
        "livemode": false,
        "locale": get("locale"),
        "metadata": metadata,
        "mode": get("mode").unwrap_or_else(|| "payment".into()),
        "payment_intent": null,
        "payment_method_types": ["card"],
        "payment_status": "unpaid",
        "shipping_options": [],
        "status": "open",
        "success_url": get("success_url"),
        "url": format!("https://checkout.stripe.test/c/pay/{id}"),
    })
}

async fn create(
    State(s): State<StandIn>,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let header = |k: &str| {
        headers
            .get(k)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let form: HashMap<String, String> = pairs.into_iter().collect();
    let key = header("idempotency-key");
    if !header("authorization").is_some_and(|a| a.starts_with("Bearer sk_")) {
        return refusal(
            StatusCode::UNAUTHORIZED,
            "invalid_request_error",
            None,
            "You did not provide an API key.",
        );
    }
    let mut inner = s.0.lock().unwrap();
    if let Some(k) = &key
        && let Some(first) = inner.by_key.get(k)
    {
        if inner.key_params.get(k) != Some(&form) {
            return refusal(
                StatusCode::BAD_REQUEST,
                "idempotency_error",
                None,
                "Keys for idempotent requests can only be used with the same parameters they were first used with.",
            );
        }
        return Json(first.clone()).into_response();
    }
    let created = time::OffsetDateTime::now_utc().unix_timestamp();
    if let Some(expires_at) = form.get("expires_at") {
        let in_window = expires_at
            .parse::<i64>()
            .is_ok_and(|e| (created + 1_800..=created + 86_400).contains(&e));
        if !in_window {
            return refusal(
                StatusCode::BAD_REQUEST,
                "invalid_request_error",
                Some("expires_at"),
                "The `expires_at` timestamp must be at least 30 minutes and at most 24 hours after the Checkout Session is created.",
            );
        }
    }
    let id = format!("cs_test_{:04}", inner.sessions.len() + 1);
    let object = session_object(&id, &form);
    inner.created.push(Created {
        idempotency_key: key.clone(),
        authorization: header("authorization"),
        form,
        session: id,
    });
    inner.sessions.push(object.clone());
    if let Some(k) = key {
        let params = inner
            .created
            .last()
            .map(|c| c.form.clone())
            .unwrap_or_default();
        inner.key_params.insert(k.clone(), params);
        inner.by_key.insert(k, object.clone());
    }
    Json(object).into_response()
}

/// An error as Stripe answers it.
fn refusal(status: StatusCode, kind: &str, param: Option<&str>, message: &str) -> Response {
    let mut error = json!({ "type": kind, "message": message });
    if let Some(p) = param {
        error["param"] = p.into();
    }
    (status, Json(json!({ "error": error }))).into_response()
}

async fn retrieve(State(s): State<StandIn>, Path(id): Path<String>) -> Response {
    let inner = s.0.lock().unwrap();
    match inner.sessions.iter().find(|x| x["id"] == id.as_str()) {
        Some(x) => Json(x.clone()).into_response(),
        None => (
            StatusCode::NOT_FOUND,
            Json(json!({ "error": { "type": "invalid_request_error", "message": "No such checkout.session" } })),
        )
            .into_response(),
    }
}

/// The list as Stripe pages it: newest first, `limit` between 1 and 100 (10 when not given),
/// `starting_after` an id of the list (the page after it), `created[gte]` a lower bound, and
/// `has_more` when the page is not the last.
async fn list(
    State(s): State<StandIn>,
    headers: HeaderMap,
    axum::extract::Query(q): axum::extract::Query<HashMap<String, String>>,
) -> Response {
    if !headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.starts_with("Bearer sk_"))
    {
        return refusal(
            StatusCode::UNAUTHORIZED,
            "invalid_request_error",
            None,
            "You did not provide an API key.",
        );
    }
    let limit = match q.get("limit").map(|l| l.parse::<usize>()) {
        None => 10,
        Some(Ok(l)) if (1..=100).contains(&l) => l,
        Some(_) => {
            return refusal(
                StatusCode::BAD_REQUEST,
                "invalid_request_error",
                Some("limit"),
                "This value must be greater than or equal to 1 and less than or equal to 100.",
            );
        }
    };
    let since = q
        .get("created[gte]")
        .and_then(|c| c.parse::<i64>().ok())
        .unwrap_or(i64::MIN);
    let inner = s.0.lock().unwrap();
    let newest_first: Vec<&Value> = inner
        .sessions
        .iter()
        .rev()
        .filter(|x| x["created"].as_i64().is_some_and(|c| c >= since))
        .collect();
    let start = match q.get("starting_after") {
        None => 0,
        Some(after) => match newest_first.iter().position(|x| x["id"] == after.as_str()) {
            Some(at) => at + 1,
            None => {
                return refusal(
                    StatusCode::BAD_REQUEST,
                    "invalid_request_error",
                    Some("starting_after"),
                    &format!("No such checkout.session: '{after}'"),
                );
            }
        },
    };
    let page: Vec<Value> = newest_first
        .iter()
        .skip(start)
        .take(limit)
        .map(|x| (*x).clone())
        .collect();
    let has_more = start + page.len() < newest_first.len();
    Json(json!({ "object": "list", "data": page, "has_more": has_more, "url": "/v1/checkout/sessions" }))
        .into_response()
}

/// A Refund object as Stripe returns it: `pending` at first, as for the bank debits Stripe confirms
/// later (the `refund.updated` event then says it succeeded). A repeated idempotency key gets the
/// first answer again.
async fn create_refund(
    State(s): State<StandIn>,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let form: HashMap<String, String> = pairs.into_iter().collect();
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let mut inner = s.0.lock().unwrap();
    if let Some(k) = &key
        && let Some(first) = inner.by_key.get(k)
    {
        return Json(first.clone()).into_response();
    }
    let id = format!("re_test_{:04}", inner.refunds.len() + 1);
    let metadata: serde_json::Map<String, Value> = form
        .iter()
        .filter_map(|(k, v)| {
            k.strip_prefix("metadata[")
                .and_then(|k| k.strip_suffix(']'))
                .map(|k| (k.to_owned(), Value::from(v.clone())))
        })
        .collect();
    let object = json!({
        "id": id,
        "object": "refund",
        "amount": form.get("amount").and_then(|a| a.parse::<i64>().ok()),
        "balance_transaction": null,
        "charge": null,
        "created": time::OffsetDateTime::now_utc().unix_timestamp(),
        "currency": "eur",
        "destination_details": null,
        "metadata": metadata,
        "payment_intent": form.get("payment_intent"),
        "reason": null,
        "receipt_number": null,
        "source_transfer_reversal": null,
        "status": "pending",
        "transfer_reversal": null,
    });
    inner.refunds.push(Created {
        idempotency_key: key.clone(),
        authorization: headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        form,
        session: id,
    });
    if let Some(k) = key {
        inner.by_key.insert(k, object.clone());
    }
    Json(object).into_response()
}
