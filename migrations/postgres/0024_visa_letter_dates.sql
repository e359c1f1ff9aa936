-- The school's dates as the letter printed them, kept with the letter: a consulate checking it on
-- /verify reads the dates on its paper, and is told when the school's dates have changed since.
-- Null for letters issued before (they show the school's dates as they are).
alter table visa_letter add column starts_on date;
alter table visa_letter add column ends_on date;
