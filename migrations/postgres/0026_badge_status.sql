-- Each certificate takes a place in the issuer's W3C Bitstring Status List of revocations, which
-- its Open Badge names in credentialStatus: bit status_index is set while the certificate is
-- revoked or superseded. Places are handed out in order from one counter row (its row lock makes
-- concurrent issuances wait, so no two certificates share a place); certificates issued before
-- take theirs in the order they were created.
alter table certificate add column status_index bigint;

update certificate set status_index = (
    select count(*) from certificate earlier
    where earlier.created_at < certificate.created_at
       or (earlier.created_at = certificate.created_at
           and earlier.certificate_id < certificate.certificate_id)
);

create unique index certificate_status_index_key on certificate (status_index);

create table status_list_counter (
    purpose text not null primary key check (purpose in ('revocation')),
    last_index bigint not null check (last_index >= -1)
);

insert into status_list_counter (purpose, last_index)
select 'revocation', coalesce(max(status_index), -1) from certificate;
