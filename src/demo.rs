//! Seeds the demo (`serve --demo`): the two demo editions, an organizer per role and the cast of
//! applicants, each taken to their stage through the same store operations real work uses, with
//! times in the past where the story happened in the past. Every step looks at where the person
//! stands first, so a seeding stopped half-way goes on from there; once done it is recorded, and
//! later starts change nothing.

use anyhow::{Context, anyhow};
use sha2::{Digest, Sha256};
use time::{Duration, OffsetDateTime};

use crate::domain::audit::Actor;
use crate::domain::calendar::to_paris;
use crate::domain::catalog::EditionSpec;
use crate::domain::certificate::CertificateRecord;
use crate::domain::completion::{ResultEntry, school_days};
use crate::domain::demo::{
    DEMO_APPLICANTS, DEMO_ORGANIZERS, DEMO_PASSWORD, DemoApplicant, DemoEdition, DemoSchool, Stage,
    demo_edition, demo_past_edition,
};
use crate::domain::email::EmailAddress;
use crate::domain::locale::Locale;
use crate::domain::offer::{Adjustment, payment_deadline};
use crate::domain::payment::{PaymentEvent, PaymentEventKind};
use crate::domain::status::{
    ApplicationStatus, CertificateKind, DocumentKind, OrganizerRole, RejectReason,
};
use crate::domain::visa::PassportData;
use crate::email::render;
use crate::i18n::Tr;
use crate::payments::{CheckoutRequest, PaymentProvider, checkout_expiry, simulated};
use crate::store::blobs::BlobStore;
use crate::store::cohort::DecisionKind;
use crate::store::issuing::{IssueSettings, correct_certificate, issue_program};
use crate::store::{FormColumn, FormValue, NewDocument, NewOrganizer, Store};

/// What the demo needs to play its cast.
pub struct DemoSeeder<'a> {
    pub store: &'a dyn Store,
    pub blobs: &'a dyn BlobStore,
    pub signing_key: &'a ed25519_dalek::SigningKey,
    /// The service's address, for verification links.
    pub public_url: &'a str,
}

/// What seeding did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SeedOutcome {
    /// The demo was there already: nothing changed.
    AlreadySeeded,
    Seeded {
        organizers: usize,
        applicants: usize,
    },
}

/// The people who act in the cast's stories.
struct Staff {
    director: String,
    reviewer: String,
    scolarite: String,
}

impl DemoSeeder<'_> {
    /// Seeds the demo once (see the module's notes). `base` is the shipped or configured catalog the
    /// demo editions copy.
    pub async fn seed(
        &self,
        base: &EditionSpec,
        now: OffsetDateTime,
    ) -> anyhow::Result<SeedOutcome> {
        if self.store.demo_seeded().await? {
            return Ok(SeedOutcome::AlreadySeeded);
        }
        let today = to_paris(now).date();
        for spec in [demo_edition(base, today), demo_past_edition(base, today)] {
            self.store
                .load_edition(&spec, &Actor::System, now)
                .await
                .with_context(|| format!("loading the demo edition `{}`", spec.slug))?;
        }
        let staff = self.organizers(base, now).await?;
        for (i, person) in DEMO_APPLICANTS.iter().enumerate() {
            self.play(person, i as i64, &staff, now)
                .await
                .with_context(|| format!("the demo applicant {}", person.email()))?;
        }
        self.past_cohort(&staff, now)
            .await
            .context("the demo's past cohort")?;
        let census = self
            .store
            .census()
            .await?
            .iter()
            .map(|(t, n)| format!("{t} {n}"))
            .collect::<Vec<_>>()
            .join(", ");
        self.store.mark_demo_seeded(&census, now).await?;
        Ok(SeedOutcome::Seeded {
            organizers: DEMO_ORGANIZERS.len(),
            applicants: DEMO_APPLICANTS.len(),
        })
    }

    /// The demo edition's program a cast member applied to: the shipped school of that name, or,
    /// with another catalog, the one giving the AFGSU 2 (else the last) for the Hands-on part of the
    /// cast and the first other one for the rest, so that the demo plays on any catalog.
    async fn program_id(&self, edition: DemoEdition, school: DemoSchool) -> anyhow::Result<String> {
        let programs: Vec<_> = self
            .store
            .programs()
            .await?
            .into_iter()
            .filter(|p| p.edition_slug == edition.slug())
            .collect();
        if let Some(p) = programs.iter().find(|p| p.slug == school.slug()) {
            return Ok(p.program_id.clone());
        }
        let hands_on = programs
            .iter()
            .find(|p| p.certifications.contains(&CertificateKind::Afgsu2))
            .or(programs.last());
        let chosen = match school {
            DemoSchool::HandsOn => hands_on,
            DemoSchool::Ai => programs
                .iter()
                .find(|p| Some(*p) != hands_on)
                .or(programs.first()),
        };
        chosen
            .map(|p| p.program_id.clone())
            .ok_or_else(|| anyhow!("the demo edition `{}` has no program", edition.slug()))
    }

    /// Every program of both demo editions (directors and reviewers are given them all).
    async fn demo_programs(&self) -> anyhow::Result<Vec<String>> {
        Ok(self
            .store
            .programs()
            .await?
            .into_iter()
            .filter(|p| {
                [DemoEdition::Open, DemoEdition::Past]
                    .iter()
                    .any(|e| e.slug() == p.edition_slug)
            })
            .map(|p| p.program_id)
            .collect())
    }

    async fn organizers(&self, base: &EditionSpec, now: OffsetDateTime) -> anyhow::Result<Staff> {
        let hash = crate::password::hash(DEMO_PASSWORD)?;
        let programs = self.demo_programs().await?;
        let mut staff = Staff {
            director: String::new(),
            reviewer: String::new(),
            scolarite: String::new(),
        };
        for o in &DEMO_ORGANIZERS {
            let scoped = matches!(
                o.role,
                OrganizerRole::ProgramDirector | OrganizerRole::Reviewer
            );
            let new = NewOrganizer {
                organization_slug: base.organization.slug.as_str().to_owned(),
                email: EmailAddress::parse(&o.email())?,
                display_name: o.name.to_owned(),
                role: o.role,
                password_hash: hash.clone(),
                programs: if scoped { programs.clone() } else { Vec::new() },
            };
            let id = self.store.demo_organizer(&new, now).await?;
            match o.role {
                OrganizerRole::ProgramDirector => staff.director = id,
                OrganizerRole::Reviewer => staff.reviewer = id,
                OrganizerRole::Scolarite => staff.scolarite = id,
                _ => {}
            }
        }
        Ok(staff)
    }

    /// Takes one applicant from nothing to their stage.
    async fn play(
        &self,
        a: &DemoApplicant,
        index: i64,
        staff: &Staff,
        now: OffsetDateTime,
    ) -> anyhow::Result<()> {
        let edition = a.stage.edition();
        let program_id = self.program_id(edition, a.school).await?;
        let program = self
            .store
            .programs()
            .await?
            .into_iter()
            .find(|p| p.program_id == program_id)
            .ok_or_else(|| anyhow!("program vanished"))?;
        // When their story began: inside the application window, a little apart from each other.
        let began = match edition {
            DemoEdition::Open => now - Duration::days(6),
            DemoEdition::Past => program.application_opens_at + Duration::days(10),
        } + Duration::hours(index);
        let day = |n: i64| began + Duration::days(n);
        let email = EmailAddress::parse(&a.email())?;
        let applicant = self.store.demo_applicant(&email, a.locale, began).await?;
        let (application, _) = self
            .store
            .start_application(&applicant, &program_id, began)
            .await?;
        let mut record = self.store.application(&applicant, &application).await?;

        if record.status == ApplicationStatus::Draft {
            self.fill(a, &applicant, &record, began).await?;
            if a.stage == Stage::Draft {
                return Ok(());
            }
            record = self.store.application(&applicant, &application).await?;
            let tr = Tr(a.locale);
            let received = render::application_received(
                tr,
                &email,
                Some(a.given_names),
                record.program_title.get(a.locale),
                &crate::http::application::reference(&application),
                record.documents.len(),
                &format!("{}/applications/{application}", self.public_url),
            );
            self.store
                .submit_application(&applicant, &record, &received, day(0))
                .await?;
        }
        let status = || async {
            Ok::<_, anyhow::Error>(
                self.store
                    .application(&applicant, &application)
                    .await?
                    .status,
            )
        };
        let director = Actor::Organizer(staff.director.clone());
        if status().await? == ApplicationStatus::Submitted {
            self.store
                .assign_reviewer(
                    &application,
                    &staff.reviewer,
                    &director,
                    day(0) + Duration::hours(2),
                )
                .await?;
            match a.stage {
                Stage::Submitted => return Ok(()),
                Stage::Withdrawn => {
                    self.store
                        .withdraw_application(&applicant, &application, day(1))
                        .await?;
                    return Ok(());
                }
                _ => {}
            }
            // The program's own rubric, scored to fit the story (1–5 each).
            let score = match a.stage {
                Stage::Rejected => [2, 2, 3],
                Stage::Waitlisted => [3, 4, 4],
                _ => [4, 5, 4],
            };
            let scores: Vec<(String, i32)> = program
                .rubric
                .iter()
                .enumerate()
                .map(|(i, c)| (c.key.clone(), score[i % score.len()]))
                .collect();
            // (A program without a rubric is decided without scores.)
            if !scores.is_empty() {
                self.store
                    .save_scores(&application, &staff.reviewer, &scores, day(1))
                    .await?;
                self.store
                    .save_scores(
                        &application,
                        &staff.director,
                        &scores,
                        day(1) + Duration::hours(3),
                    )
                    .await?;
            }
            self.store
                .add_comment(
                    &application,
                    &staff.reviewer,
                    "Demo comment: clear motivation; the CV matches the school's audience.",
                    day(1) + Duration::hours(1),
                )
                .await?;
        }
        if matches!(
            status().await?,
            ApplicationStatus::Submitted | ApplicationStatus::UnderReview
        ) {
            let decision = match a.stage {
                Stage::UnderReview => return Ok(()),
                Stage::Waitlisted => DecisionKind::Waitlist,
                Stage::Rejected => DecisionKind::Reject {
                    reason: RejectReason::Profile,
                },
                _ => DecisionKind::Accept {
                    tier_code: None,
                    adjustment: Adjustment::None,
                    deadline: payment_deadline(day(2), program.payment_deadline_days as u16),
                },
            };
            self.store
                .decide(&application, &decision, &director, day(2))
                .await?;
        }
        if status().await? == ApplicationStatus::Accepted {
            if a.stage == Stage::Offered {
                // A checkout opened just now, so that it is still open to go back to.
                self.open_checkout(&applicant, &application, now).await?;
                return Ok(());
            }
            let paid_at = day(3);
            self.pay(&applicant, &application, paid_at).await?;
        }
        let wants_letter = matches!(a.stage, Stage::Enrolled | Stage::GraduatedWithVisa);
        if wants_letter && self.store.visa_letter(&application).await?.is_none() {
            let passport = PassportData {
                name: a.certificate_name.to_uppercase(),
                number: format!("DEMO{:05}", 10_000 + index * 37),
                nationality: crate::domain::countries::CountryCode::parse(a.nationality)
                    .map_err(|e| anyhow!("{e}"))?,
                birth_date: a.birth_date(),
                expires_on: program.ends_on + Duration::days(3 * 365),
            };
            self.store
                .request_visa_letter(&applicant, &application, &passport, day(4))
                .await?;
        }
        Ok(())
    }

    /// Writes every step of the form (only the first ones for a draft) and uploads the documents.
    async fn fill(
        &self,
        a: &DemoApplicant,
        applicant: &str,
        record: &crate::store::ApplicationRecord,
        at: OffsetDateTime,
    ) -> anyhow::Result<()> {
        let text = |s: &str| FormValue::Text(Some(s.to_owned()));
        let mut values = vec![
            (FormColumn::GivenNames, text(a.given_names)),
            (FormColumn::FamilyName, text(a.family_name)),
            (FormColumn::CertificateName, text(a.certificate_name)),
            (FormColumn::BirthDate, FormValue::Date(Some(a.birth_date()))),
            (FormColumn::Nationality, text(a.nationality)),
            (FormColumn::ResidenceCountry, text(a.nationality)),
            (FormColumn::Phone, text("+33 1 00 00 00 00")),
        ];
        if a.stage != Stage::Draft {
            values.extend([
                (FormColumn::AddressLine1, text("1 Demo Street")),
                (FormColumn::AddressCity, text(a.city)),
                (FormColumn::AddressPostcode, text("00000")),
                (FormColumn::AddressCountry, text(a.nationality)),
                (FormColumn::Category, text(a.category.as_str())),
                (FormColumn::StudyYear, FormValue::Int(Some(5))),
                (FormColumn::Institution, text(a.institution)),
                (FormColumn::InstitutionCountry, text(a.nationality)),
                (FormColumn::PartnerUniversity, FormValue::Bool(Some(false))),
                (FormColumn::EnglishLevel, text("c1")),
                (FormColumn::Motivation, text(MOTIVATION)),
                (
                    FormColumn::PrivacyVersion,
                    text(crate::http::application::PRIVACY_VERSION),
                ),
                (
                    FormColumn::TermsVersion,
                    text(crate::http::application::TERMS_VERSION),
                ),
                (FormColumn::ConsentedAt, FormValue::Time(Some(at))),
            ]);
        }
        self.store
            .save_form(applicant, &record.application_id, &values, at)
            .await?;
        if a.stage == Stage::Draft {
            return Ok(());
        }
        let answers: Vec<(String, String)> = record
            .questions
            .iter()
            .map(|q| (q.key.clone(), "yes".to_owned()))
            .collect();
        self.store
            .save_answers(applicant, &record.application_id, &answers, at)
            .await?;
        for kind in [
            DocumentKind::Cv,
            DocumentKind::MotivationLetter,
            DocumentKind::ProofOfStatus,
        ] {
            let bytes = sample_document(a, kind, at);
            let key = format!("documents/demo-{}", crate::store::new_id());
            self.blobs
                .put(&key, &bytes)
                .await
                .map_err(|e| anyhow!("storing a demo document: {e}"))?;
            let name = format!("{}-{}.pdf", a.email_local, kind.as_str().replace('_', "-"));
            let sha = Sha256::digest(&bytes)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>();
            self.store
                .put_document(
                    applicant,
                    &record.application_id,
                    &NewDocument {
                        kind,
                        file_name: &name,
                        content_type: "application/pdf",
                        size_bytes: bytes.len() as i64,
                        sha256: &sha,
                        blob_key: &key,
                    },
                    at,
                )
                .await?;
        }
        Ok(())
    }

    /// Opens a simulated checkout for the applicant's pending order, as the Pay button does.
    async fn open_checkout(
        &self,
        applicant: &str,
        application: &str,
        at: OffsetDateTime,
    ) -> anyhow::Result<(String, crate::store::payments::PaymentStart)> {
        let start = self
            .store
            .start_payment(applicant, application, simulated::NAME, at)
            .await?;
        if start.open_checkout.is_some() {
            return Ok((format!("sim_{}", start.payment_id), start));
        }
        let expires_at = checkout_expiry(at, start.order_deadline)
            .ok_or_else(|| anyhow!("the offer's deadline leaves no time to pay"))?;
        let request = CheckoutRequest {
            attempt: &start,
            return_url: format!(
                "{}/applications/{application}/payments/{}",
                self.public_url, start.payment_id
            ),
            cancel_url: format!("{}/applications/{application}", self.public_url),
            expires_at,
        };
        let checkout = simulated::Simulated
            .open_checkout(&request)
            .await
            .map_err(|e| anyhow!("{e}"))?;
        self.store
            .attach_checkout(
                &start.payment_id,
                &checkout.session,
                &checkout.url,
                checkout.expires_at,
                at,
            )
            .await?;
        Ok((checkout.session, start))
    }

    /// Pays the pending order at the simulated checkout: the same event its Pay button sends.
    async fn pay(
        &self,
        applicant: &str,
        application: &str,
        at: OffsetDateTime,
    ) -> anyhow::Result<()> {
        let (session, start) = self.open_checkout(applicant, application, at).await?;
        let event = PaymentEvent {
            provider: simulated::NAME.to_owned(),
            event_id: format!("sim_evt_demo_{application}"),
            session: Some(session),
            intent: None,
            refund: None,
            order_id: None,
            amount_cents: Some(start.amount_cents),
            currency: Some(start.currency.clone()),
            refunded_total_cents: None,
            kind: PaymentEventKind::Completed { paid: true },
        };
        self.store
            .apply_payment_event(&event, at + Duration::minutes(4))
            .await?;
        Ok(())
    }

    /// The school that ended: attendance for each day, results, the attestations in one batch, a
    /// corrected grade with its replacing attestation, and one attestation revoked.
    async fn past_cohort(&self, staff: &Staff, now: OffsetDateTime) -> anyhow::Result<()> {
        let program_id = self
            .program_id(DemoEdition::Past, DemoSchool::HandsOn)
            .await?;
        let facts = self
            .store
            .program_facts(&program_id)
            .await?
            .ok_or_else(|| anyhow!("no facts for the past demo school"))?;
        let scolarite = Actor::Organizer(staff.scolarite.clone());
        let director = Actor::Organizer(staff.director.clone());
        let participants = self.store.participants(&program_id).await?;
        let email_of = |application: &str| -> Option<&'static DemoApplicant> {
            let p = participants
                .iter()
                .find(|p| p.application_id == application)?;
            DEMO_APPLICANTS
                .iter()
                .find(|a| a.certificate_name == p.certificate_name)
        };
        let afgsu = facts.certifications.contains(&CertificateKind::Afgsu2);
        let days = school_days(facts.starts_on, facts.ends_on);
        for (n, day) in days.iter().enumerate() {
            let marks: Vec<(String, bool)> = participants
                .iter()
                .map(|p| {
                    let absent = email_of(&p.application_id)
                        .is_some_and(|a| a.stage == Stage::Absent && (2..5).contains(&n));
                    (p.application_id.clone(), !absent)
                })
                .collect();
            self.store
                .record_attendance(&program_id, *day, &marks, &scolarite, now)
                .await?;
        }
        let results: Vec<(String, ResultEntry)> = participants
            .iter()
            .map(|p| {
                let corrected =
                    email_of(&p.application_id).is_some_and(|a| a.stage == Stage::Corrected);
                (
                    p.application_id.clone(),
                    ResultEntry {
                        passed: true,
                        grade: Some(if corrected { "12/20" } else { "15/20" }.to_owned()),
                        afgsu_validated: afgsu.then_some(true),
                    },
                )
            })
            .collect();
        let already_issued = self.store.demo_documents().await?.iter().any(|d| {
            matches!(
                d.what,
                crate::store::demo::DemoDocumentKind::Certificate(..)
            )
        });
        if already_issued {
            return Ok(());
        }
        self.store.record_results(&results, &scolarite, now).await?;
        let settings = IssueSettings::for_public_url(self.public_url);
        let key = self.signing_key.clone();
        let sign = move |r: &CertificateRecord| r.sign(&key);
        issue_program(
            self.store,
            &program_id,
            &settings,
            &sign,
            &director,
            now,
            &mut |_, _| {},
        )
        .await
        .map_err(|e| anyhow!("issuing the demo attestations: {e}"))?;
        for p in &participants {
            let Some(a) = email_of(&p.application_id) else {
                continue;
            };
            let success = self
                .store
                .certificates_of(&p.application_id)
                .await?
                .into_iter()
                .find(|c| c.record.kind == CertificateKind::AttestationOfSuccess);
            let Some(success) = success else { continue };
            match a.stage {
                Stage::Corrected => {
                    let fixed = ResultEntry {
                        passed: true,
                        grade: Some("14/20".to_owned()),
                        afgsu_validated: afgsu.then_some(true),
                    };
                    self.store
                        .record_result(&p.application_id, &fixed, &scolarite, now)
                        .await?;
                    correct_certificate(
                        self.store,
                        &success.record.verification_code,
                        &settings,
                        &sign,
                        &director,
                        now + Duration::seconds(1),
                    )
                    .await
                    .map_err(|e| anyhow!("correcting a demo attestation: {e}"))?;
                }
                Stage::Revoked => {
                    self.store
                        .revoke_certificate(
                            &success.record.verification_code,
                            "Demo: issued in error (an assessment result was entered for the wrong participant)",
                            &director,
                            now + Duration::seconds(1),
                        )
                        .await?;
                }
                _ => {}
            }
        }
        Ok(())
    }
}

const MOTIVATION: &str = "This is a demo application, written to show how the service presents an \
applicant's motivation to reviewers. I am a medical student who wants to learn how clinical teams \
work with engineers and data scientists, and how simulation-based training prepares doctors for \
emergencies. The school's two weeks in Paris, taught in English by practising clinicians, fit the \
final years of my training, and I would bring back what I learn to my own faculty's students.";

/// A one-page PDF standing in for an uploaded document, labelled DEMO.
fn sample_document(a: &DemoApplicant, kind: DocumentKind, at: OffsetDateTime) -> Vec<u8> {
    use crate::documents::pdf::{Face, Meta, Page, finish};
    let tr = Tr(Locale::En);
    let title = match kind {
        DocumentKind::Cv => "Curriculum vitae",
        DocumentKind::MotivationLetter => "Motivation letter",
        DocumentKind::ProofOfStatus => "Proof of student status",
        DocumentKind::FeeProof => "Proof for the fee tier",
    };
    let mut page = Page::new();
    page.demo_stamp(&tr.t("document-demo-stamp"));
    page.text(Face::SerifBold, 18.0, 20.0, 260.0, title);
    page.text(Face::Serif, 13.0, 20.0, 248.0, a.certificate_name);
    page.text(Face::Sans, 10.0, 20.0, 240.0, a.institution);
    page.paragraph(
        (Face::Sans, 10.0),
        20.0,
        228.0,
        170.0,
        5.0,
        "A sample document of the demo, uploaded in place of the applicant's own file.",
    );
    finish(
        &Meta {
            title,
            author: a.certificate_name,
            subject: "Demo document",
            issued_at: at,
            key: &format!("{}-{}", a.email_local, kind.as_str()),
        },
        vec![page],
    )
}
