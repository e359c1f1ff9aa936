-- Moves with every catalog load that rewrites a program (its questions and fee tiers among the rest):
-- each instance keeps those per program and revision, and reads them again only when it moves.
alter table program add column catalog_revision bigint not null default 0;
