-- What the catalog says about certificates: who issues and signs an edition's (JSON of the catalog's
-- [certificates] table, null until the catalog gives it), and per program its serial code, learning
-- outcomes (JSON {"en": [...], "fr": [...]}), completion rule (null days: every school day) and the
-- hours of its AFGSU 2 training.
alter table edition add column certificate_issuer text;
alter table program add column code text not null default '';
alter table program add column learning_outcomes text not null default '{"en":[],"fr":[]}';
alter table program add column min_days_present integer check (min_days_present >= 0);
alter table program add column assessment_required integer not null default 1 check (assessment_required in (0, 1));
alter table program add column afgsu_hours integer not null default 21 check (afgsu_hours > 0);
