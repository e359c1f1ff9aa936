-- The legal entity that sells (from the catalog's [organization.legal]): receipts, credit notes and
-- invoices print its name, address, SIRET, VAT status and payment terms. Null until a catalog gives
-- them; the address is its lines joined by newlines.
alter table organization add column legal_name text;
alter table organization add column legal_address text;
alter table organization add column siret text;
alter table organization add column vat_en text;
alter table organization add column vat_fr text;
alter table organization add column payment_terms_en text;
alter table organization add column payment_terms_fr text;
