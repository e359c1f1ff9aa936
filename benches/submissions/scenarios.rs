//! The two other scenarios: claims on the last first-come seats at one instant, and Stripe's
//! webhook under load with duplicate deliveries.

use super::*;

/// 200 applicants claim 60 first-come seats at the same instant (a barrier releases every request
/// together, on connections opened beforehand). Returns whether exactly 60 hold a seat.
pub(crate) async fn seats(
    store: &Arc<dyn summer_school::store::Store>,
    state: &summer_school::http::AppState,
    base: &str,
    backend: &str,
) -> bool {
    use summer_school::domain::status::ReviewMode;
    let claims: usize = env_or("BENCH_CLAIMS", 200);
    let capacity: u32 = env_or("BENCH_SEATS", 60);
    let (program, target) = demo_hands_on(store.as_ref(), ReviewMode::FirstCome, capacity).await;
    let mut people = Vec::with_capacity(claims);
    for n in 0..claims {
        people.push(seed_one(store.as_ref(), state, &target, 1_000_000 + n).await);
    }
    let people = Arc::new(people);
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(claims)
        .build()
        .expect("client");
    // Open every connection first, so that what is timed is the claim, not the TCP handshake.
    let mut warm = tokio::task::JoinSet::new();
    for _ in 0..claims {
        let (client, url) = (client.clone(), format!("{base}/healthz"));
        warm.spawn(async move {
            let _ = client.get(url).send().await.map(|r| r.status());
        });
    }
    while warm.join_next().await.is_some() {}
    let barrier = Arc::new(tokio::sync::Barrier::new(claims));
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..claims {
        let (client, people, barrier, base) = (
            client.clone(),
            people.clone(),
            barrier.clone(),
            base.to_owned(),
        );
        tasks.spawn(async move {
            let a = &people[i];
            let url = format!("{base}/applications/{}/submit", a.application_id);
            barrier.wait().await;
            let t = Instant::now();
            let r = client
                .post(&url)
                .header(reqwest::header::COOKIE, &a.cookie)
                .header(
                    reqwest::header::CONTENT_TYPE,
                    "application/x-www-form-urlencoded",
                )
                .body(a.body.clone())
                .send()
                .await;
            let ok = match r {
                Ok(r) => {
                    let good = r.status().as_u16() == 303;
                    let _ = r.bytes().await;
                    good
                }
                Err(_) => false,
            };
            (t.elapsed(), ok)
        });
    }
    let started = Instant::now();
    let mut latencies = Vec::with_capacity(claims);
    let mut errors = 0;
    while let Some(r) = tasks.join_next().await {
        let (latency, ok) = r.expect("claim task");
        latencies.push(latency);
        if !ok {
            errors += 1;
        }
    }
    let wall = started.elapsed();
    latencies.sort();
    let mut holders = 0;
    let mut waiting = 0;
    for a in people.iter() {
        match store
            .application(&a.applicant_id, &a.application_id)
            .await
            .expect("application")
            .status
        {
            ApplicationStatus::Accepted => holders += 1,
            ApplicationStatus::Waitlisted => waiting += 1,
            _ => {}
        }
    }
    let seats = store.seats(&program.program_id).await.expect("seats");
    println!();
    println!(
        "| backend | claims | seats | all done in | p50 | p90 | p99 | max | errors | holders | waitlisted |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    println!(
        "| {backend} | {claims} | {capacity} | {} | {} | {} | {} | {} | {errors} | {holders} | {waiting} |",
        ms(wall),
        ms(percentile(&latencies, 0.50)),
        ms(percentile(&latencies, 0.90)),
        ms(percentile(&latencies, 0.99)),
        ms(latencies.last().copied().unwrap_or_default()),
    );
    let exact = holders == capacity as usize
        && seats.held == capacity as i32
        && waiting == claims - capacity as usize
        && errors == 0;
    println!(
        "check: {holders} holders and seats_held = {} for {capacity} seats, {waiting} waitlisted, {errors} errors: {}",
        seats.held,
        if exact { "exact" } else { "WRONG" }
    );
    exact
}

/// Reloads the demo edition with the Hands-on school in `mode` with `capacity` places; returns the
/// program, and its id with its questions' keys (what seeding needs).
async fn demo_hands_on(
    store: &dyn summer_school::store::Store,
    mode: summer_school::domain::status::ReviewMode,
    capacity: u32,
) -> (summer_school::store::ProgramRecord, (String, Vec<String>)) {
    use summer_school::domain::audit::Actor;
    use summer_school::domain::catalog::{SHIPPED_CATALOG, parse_catalog};
    use summer_school::domain::demo::demo_edition;
    let now = OffsetDateTime::now_utc();
    let mut spec = demo_edition(
        &parse_catalog(SHIPPED_CATALOG).expect("catalog"),
        now.date(),
    );
    let hands_on = spec
        .programs
        .iter_mut()
        .find(|p| p.slug.as_str() == "hands-on-clinical-emergencies")
        .expect("the Hands-on school");
    hands_on.review_mode = mode;
    hands_on.capacity = capacity;
    store
        .load_edition(&spec, &Actor::Cli, now)
        .await
        .expect("the adjusted demo edition");
    let program = store
        .programs()
        .await
        .expect("programs")
        .into_iter()
        .find(|p| p.edition_is_demo && p.slug == "hands-on-clinical-emergencies")
        .expect("the demo Hands-on school");
    let target = (
        program.program_id.clone(),
        program.questions.iter().map(|q| q.key.clone()).collect(),
    );
    (program, target)
}

/// Stripe's webhook under load: every order's payment event delivered several times at once, then its
/// expiry, signed as Stripe signs them. Returns whether every order was enrolled exactly once.
pub(crate) async fn webhooks(
    store: &Arc<dyn summer_school::store::Store>,
    state: &summer_school::http::AppState,
    base: &str,
    backend: &str,
) -> bool {
    use summer_school::domain::audit::Actor;
    use summer_school::domain::offer::{Adjustment, payment_deadline};
    use summer_school::domain::status::ReviewMode;
    use summer_school::payments::signature;
    use summer_school::store::cohort::DecisionKind;
    let orders: usize = env_or("BENCH_ORDERS", 1000);
    let duplicates: usize = env_or("BENCH_DUPLICATES", 3).max(1);
    let concurrency: usize = env_or("BENCH_CONCURRENCY", 16);
    let now = OffsetDateTime::now_utc();
    let capacity = u32::try_from(orders + 10).unwrap_or(u32::MAX);
    let (_, target) = demo_hands_on(store.as_ref(), ReviewMode::Review, capacity).await;
    let seeding = Instant::now();
    let mut people = Vec::with_capacity(orders);
    for n in 0..orders {
        let a = seed_one(store.as_ref(), state, &target, 2_000_000 + n).await;
        let draft = store
            .application(&a.applicant_id, &a.application_id)
            .await
            .expect("draft");
        let received = summer_school::domain::job::OutgoingEmail {
            to: EmailAddress::parse(&draft.applicant_email).expect("address"),
            to_name: None,
            locale: Locale::En,
            subject: "Application received".into(),
            text: "text".into(),
            html: "<p>html</p>".into(),
            scrub_after_send: false,
            attachments: Vec::new(),
        };
        store
            .submit_application(&a.applicant_id, &draft, &received, now)
            .await
            .expect("submit");
        let accept = DecisionKind::Accept {
            tier_code: None,
            adjustment: Adjustment::None,
            deadline: payment_deadline(now, 14),
        };
        store
            .decide(&a.application_id, &accept, &Actor::Cli, now)
            .await
            .expect("accept");
        let start = store
            .start_payment(&a.applicant_id, &a.application_id, "stripe", now)
            .await
            .expect("start_payment");
        let session = format!("cs_bench_{n:06}");
        store
            .attach_checkout(
                &start.payment_id,
                &session,
                "https://checkout.stripe.test",
                now + time::Duration::hours(2),
                now,
            )
            .await
            .expect("attach_checkout");
        people.push((a, start.order_id, start.amount_cents, session));
    }
    println!(
        "seeded {orders} accepted applicants with an open checkout in {:.1} s",
        seeding.elapsed().as_secs_f64()
    );
    // Every delivery, in order: the payment `duplicates` times, then the session's expiry.
    let mut deliveries: Vec<Vec<u8>> = Vec::with_capacity(orders * (duplicates + 1));
    for (n, (_, order, cents, session)) in people.iter().enumerate() {
        let object = |status: &str, payment: &str| {
            serde_json::json!({
                "id": session, "object": "checkout.session", "client_reference_id": order,
                "amount_total": cents, "currency": "eur", "payment_status": payment,
                "payment_intent": format!("pi_bench_{n:06}"), "status": status
            })
        };
        let event = |id: String, kind: &str, object: serde_json::Value| {
            serde_json::to_vec(&serde_json::json!({
                "id": id, "object": "event", "type": kind, "data": { "object": object }
            }))
            .expect("json")
        };
        let paid = event(
            format!("evt_paid_{n:06}"),
            "checkout.session.completed",
            object("complete", "paid"),
        );
        for _ in 0..duplicates {
            deliveries.push(paid.clone());
        }
        deliveries.push(event(
            format!("evt_expired_{n:06}"),
            "checkout.session.expired",
            object("expired", "paid"),
        ));
    }
    let deliveries = Arc::new(deliveries);
    let next = Arc::new(AtomicUsize::new(0));
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(concurrency)
        .build()
        .expect("client");
    let url = format!("{base}/webhooks/stripe");
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..concurrency {
        let (client, deliveries, next, url) = (
            client.clone(),
            deliveries.clone(),
            next.clone(),
            url.clone(),
        );
        tasks.spawn(async move {
            let mut samples = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(body) = deliveries.get(i) else { break };
                let t = Instant::now();
                let header = signature::sign(
                    body,
                    WEBHOOK_SECRET,
                    OffsetDateTime::now_utc().unix_timestamp(),
                );
                let r = client
                    .post(&url)
                    .header("stripe-signature", header)
                    .header(reqwest::header::CONTENT_TYPE, "application/json")
                    .body(body.clone())
                    .send()
                    .await;
                let ok = match r {
                    Ok(r) => {
                        let good = r.status().as_u16() == 200;
                        let _ = r.bytes().await;
                        good
                    }
                    Err(_) => false,
                };
                samples.push((t.elapsed(), ok));
            }
            samples
        });
    }
    let mut latencies = Vec::new();
    let mut errors = 0;
    while let Some(r) = tasks.join_next().await {
        for (latency, ok) in r.expect("client task") {
            latencies.push(latency);
            if !ok {
                errors += 1;
            }
        }
    }
    let wall = started.elapsed();
    latencies.sort();
    let events = latencies.len();
    // Every order enrolled once: its status, and exactly one enrollment in its audit trail.
    let mut enrolled = 0;
    let mut enrollments = 0;
    for (a, ..) in people.iter() {
        let record = store
            .application(&a.applicant_id, &a.application_id)
            .await
            .expect("application");
        if record.status == ApplicationStatus::Enrolled {
            enrolled += 1;
        }
        enrollments += store
            .audit_events("application", &a.application_id)
            .await
            .expect("audit")
            .iter()
            .filter(|e| e.action == "application.enrolled")
            .count();
    }
    println!();
    println!(
        "| backend | orders | deliveries | duplicates each | clients | all done in | events/s | p50 | p90 | p99 | max | errors |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|");
    println!(
        "| {backend} | {orders} | {events} | {duplicates} | {concurrency} | {} | {:.0} | {} | {} | {} | {} | {errors} |",
        ms(wall),
        events as f64 / wall.as_secs_f64(),
        ms(percentile(&latencies, 0.50)),
        ms(percentile(&latencies, 0.90)),
        ms(percentile(&latencies, 0.99)),
        ms(latencies.last().copied().unwrap_or_default()),
    );
    let exact = enrolled == orders && enrollments == orders && errors == 0;
    println!(
        "check: {enrolled} of {orders} orders enrolled, {enrollments} enrollments recorded, {errors} errors: {}",
        if exact { "exactly once" } else { "WRONG" }
    );
    exact
}
