-- The student workload the program's ECTS credits stand for (25 to 30 hours per credit), when the
-- catalog gives it: certificates print it beside the credits, and the contact hours apart from it.
alter table program add column workload_hours integer;
