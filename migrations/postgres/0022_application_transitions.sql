-- The moves an application may make, the same table as ApplicationStatus::can_move_to (a test
-- compares them): the database refuses any other change of status, whichever code makes it.
create table application_transition (
    from_status text not null,
    to_status text not null,
    constraint application_transition_pkey primary key (from_status, to_status)
);

insert into application_transition (from_status, to_status) values
    ('draft', 'submitted'),
    ('draft', 'accepted'),
    ('draft', 'waitlisted'),
    ('draft', 'enrolled'), ('submitted', 'enrolled'), ('under_review', 'enrolled'), ('waitlisted', 'enrolled'),
    ('submitted', 'under_review'),
    ('submitted', 'accepted'),
    ('submitted', 'waitlisted'),
    ('submitted', 'rejected'),
    ('under_review', 'accepted'),
    ('under_review', 'waitlisted'),
    ('under_review', 'rejected'),
    ('accepted', 'enrolled'),
    ('accepted', 'expired'),
    ('waitlisted', 'accepted'),
    ('waitlisted', 'rejected'),
    ('draft', 'withdrawn'),
    ('submitted', 'withdrawn'),
    ('under_review', 'withdrawn'),
    ('accepted', 'withdrawn'),
    ('waitlisted', 'withdrawn'),
    ('enrolled', 'cancelled'),
    ('enrolled', 'completed'),
    ('enrolled', 'not_completed');

create function application_transition_check() returns trigger language plpgsql as $$
begin
    if old.status <> new.status and not exists (
        select 1 from application_transition t
        where t.from_status = old.status and t.to_status = new.status
    ) then
        raise exception using
            errcode = 'check_violation',
            constraint = 'application_transition',
            message = 'application_transition: ' || old.status || ' to ' || new.status;
    end if;
    return new;
end
$$;

create trigger application_transition_check
before update of status on application
for each row execute function application_transition_check();
