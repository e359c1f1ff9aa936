-- What an applicant writes, saved step by step while the application is a draft, and the documents
-- they upload (the files themselves live in the blob store, outside any public path).

create table application_form (
    application_id text primary key references application (application_id),
    given_names text,
    family_name text,
    certificate_name text,
    birth_date date,
    nationality text,
    residence_country text,
    phone text,
    address_line1 text,
    address_line2 text,
    address_city text,
    address_postcode text,
    address_country text,
    category text constraint application_form_category_check check (category in (
        'medical_student', 'resident', 'physician', 'nurse_or_health_professional',
        'engineer_or_data_scientist', 'other')),
    study_year integer,
    institution text,
    institution_country text,
    partner_university boolean,
    english_level text constraint application_form_english_level_check
        check (english_level in ('b1', 'b2', 'c1', 'c2', 'native')),
    motivation text,
    privacy_version text,
    terms_version text,
    consented_at timestamptz,
    updated_at timestamptz not null
);

create table application_document (
    document_id text primary key,
    application_id text not null references application (application_id),
    kind text not null constraint application_document_kind_check
        check (kind in ('cv', 'motivation_letter', 'proof_of_status', 'fee_proof')),
    file_name text not null,
    content_type text not null constraint application_document_content_type_check
        check (content_type in ('application/pdf', 'image/jpeg', 'image/png')),
    size_bytes bigint not null constraint application_document_size_check
        check (size_bytes > 0 and size_bytes <= 10485760),
    sha256 text not null,
    blob_key text not null,
    created_at timestamptz not null,
    constraint application_document_application_id_kind_key unique (application_id, kind)
);

-- Which application a job concerns (for the applicant's timeline of emails).
alter table job add column application_id text references application (application_id);

create index job_application_idx on job (application_id);
create index application_applicant_idx on application (applicant_id);
