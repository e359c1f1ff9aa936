//! Who among the organizers may do what, on which program.
//!
//! An organizer account has one role. Admins, finance and scolarité act on every program of their
//! organization; program directors and reviewers only on the programs they have been given. A reviewer
//! also sees only the applications assigned to them (checked where an application is opened, since it
//! depends on the assignment, not on the role alone).

use super::problem::Problem;
use super::status::OrganizerRole;

/// Something an organizer route does. Every organizer route names exactly one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    /// Invite organizers, give programs, unlock accounts.
    ManageOrganizers,
    /// See the program's dashboard: seats, counts, deadlines.
    ViewProgram,
    /// See every application of the program, with its documents.
    ViewAllApplications,
    /// Score and comment an application (a reviewer: only those assigned to them).
    Review,
    /// Assign reviewers to applications and mark conflicts of interest.
    AssignReviewers,
    /// Accept, waitlist, reject (one by one or in bulk).
    Decide,
    /// Give an offer more time to be paid.
    ExtendDeadline,
    /// Create and end discount codes (on the programs covered; codes for a whole edition need an
    /// organization-wide role).
    ManageDiscounts,
    /// See the orders finance must look at and the reconciliation's findings, and refund.
    Finance,
    /// Record the cohort's attendance and results (grid, badge scan, results file).
    RecordAttendance,
    /// Issue, correct and revoke the program's certificates.
    Certify,
    /// Write to the program's participants, admitted applicants or waitlist.
    Message,
}

impl Permission {
    pub const ALL: [Permission; 12] = [
        Permission::ManageOrganizers,
        Permission::ViewProgram,
        Permission::ViewAllApplications,
        Permission::Review,
        Permission::AssignReviewers,
        Permission::Decide,
        Permission::ExtendDeadline,
        Permission::ManageDiscounts,
        Permission::Finance,
        Permission::RecordAttendance,
        Permission::Certify,
        Permission::Message,
    ];

    /// The roles that hold this permission, on the programs they act on.
    pub fn roles(self) -> &'static [OrganizerRole] {
        use OrganizerRole::*;
        match self {
            Permission::ManageOrganizers => &[Admin],
            Permission::ViewProgram => &[Admin, ProgramDirector, Reviewer, Finance, Scolarite],
            Permission::ViewAllApplications => &[Admin, ProgramDirector, Finance, Scolarite],
            Permission::Review => &[Admin, ProgramDirector, Reviewer],
            Permission::AssignReviewers => &[Admin, ProgramDirector],
            Permission::Decide => &[Admin, ProgramDirector],
            Permission::ExtendDeadline => &[Admin, ProgramDirector, Finance],
            Permission::ManageDiscounts => &[Admin, ProgramDirector, Finance],
            Permission::Finance => &[Admin, Finance],
            Permission::RecordAttendance => &[Admin, ProgramDirector, Scolarite],
            Permission::Certify => &[Admin, ProgramDirector, Scolarite],
            Permission::Message => &[Admin, ProgramDirector, Scolarite],
        }
    }
}

/// Whether a role acts on every program of the organization, or only on the programs given to it.
pub fn organization_wide(role: OrganizerRole) -> bool {
    matches!(
        role,
        OrganizerRole::Admin | OrganizerRole::Finance | OrganizerRole::Scolarite
    )
}

/// What one signed-in organizer may reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Access {
    pub role: OrganizerRole,
    /// Programs given to a program director or reviewer (ignored for organization-wide roles).
    pub programs: Vec<String>,
}

impl Access {
    /// Whether the organizer acts on this program at all.
    pub fn covers(&self, program_id: &str) -> bool {
        organization_wide(self.role) || self.programs.iter().any(|p| p == program_id)
    }

    /// Whether the organizer may do this on this program.
    pub fn allows(&self, permission: Permission, program_id: &str) -> bool {
        permission.roles().contains(&self.role) && self.covers(program_id)
    }

    /// Whether the organizer may do this anywhere (organization-level pages).
    pub fn allows_somewhere(&self, permission: Permission) -> bool {
        permission.roles().contains(&self.role)
            && (organization_wide(self.role) || !self.programs.is_empty())
    }

    /// Reviewers see an application only when it is assigned to them.
    pub fn needs_assignment(&self) -> bool {
        self.role == OrganizerRole::Reviewer
    }

    /// In a blind program, reviewers do not see who the applicant is.
    pub fn is_blinded(&self, program_blind: bool) -> bool {
        program_blind && self.role == OrganizerRole::Reviewer
    }
}

/// A role and its programs as an administrator chose them, checked against the organization's
/// `known` programs: programs that do not exist are dropped, an organization-wide role keeps none,
/// and a role given per program needs at least one. The problem names the `role` or `programs`
/// field.
pub fn parse_access(role: &str, programs: &[String], known: &[&str]) -> Result<Access, Problem> {
    let role = role
        .parse::<OrganizerRole>()
        .map_err(|_| Problem::new("role", "team-error-role"))?;
    let mut programs: Vec<String> = programs
        .iter()
        .filter(|p| known.contains(&p.as_str()))
        .cloned()
        .collect();
    programs.sort();
    programs.dedup();
    if organization_wide(role) {
        programs.clear();
    } else if programs.is_empty() {
        return Err(Problem::new("programs", "team-error-programs"));
    }
    Ok(Access { role, programs })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn access(role: OrganizerRole, programs: &[&str]) -> Access {
        Access {
            role,
            programs: programs.iter().map(|p| (*p).to_owned()).collect(),
        }
    }

    #[test]
    fn organization_wide_roles_reach_every_program() {
        for role in [
            OrganizerRole::Admin,
            OrganizerRole::Finance,
            OrganizerRole::Scolarite,
        ] {
            assert!(access(role, &[]).allows(Permission::ViewProgram, "any"));
        }
        assert!(
            !access(OrganizerRole::ProgramDirector, &["ai"]).allows(Permission::Decide, "hands-on")
        );
        assert!(access(OrganizerRole::ProgramDirector, &["ai"]).allows(Permission::Decide, "ai"));
    }

    #[test]
    fn only_directors_and_admins_decide() {
        for role in OrganizerRole::ALL {
            let a = access(*role, &["ai"]);
            assert_eq!(
                a.allows(Permission::Decide, "ai"),
                matches!(role, OrganizerRole::Admin | OrganizerRole::ProgramDirector),
                "{role:?}"
            );
        }
    }

    #[test]
    fn reviewers_need_an_assignment_and_are_blinded_where_the_program_says() {
        let r = access(OrganizerRole::Reviewer, &["ai"]);
        assert!(r.needs_assignment());
        assert!(!r.allows(Permission::ViewAllApplications, "ai"));
        assert!(r.allows(Permission::Review, "ai"));
        assert!(r.is_blinded(true));
        assert!(!r.is_blinded(false));
        assert!(!access(OrganizerRole::ProgramDirector, &["ai"]).is_blinded(true));
    }

    #[test]
    fn a_director_without_programs_reaches_nothing() {
        let d = access(OrganizerRole::ProgramDirector, &[]);
        for p in Permission::ALL {
            assert!(!d.allows_somewhere(p), "{p:?}");
        }
    }

    #[test]
    fn access_is_given_per_program_except_to_organization_wide_roles() {
        let known = ["ai", "hands-on"];
        let chosen = |p: &[&str]| p.iter().map(|p| (*p).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            parse_access(
                "reviewer",
                &chosen(&["hands-on", "ai", "ai", "gone"]),
                &known
            ),
            Ok(access(OrganizerRole::Reviewer, &["ai", "hands-on"]))
        );
        assert_eq!(
            parse_access("finance", &chosen(&["ai"]), &known),
            Ok(access(OrganizerRole::Finance, &[]))
        );
        assert_eq!(
            parse_access("program_director", &chosen(&["gone"]), &known),
            Err(Problem::new("programs", "team-error-programs"))
        );
        assert_eq!(
            parse_access("owner", &chosen(&["ai"]), &known),
            Err(Problem::new("role", "team-error-role"))
        );
    }
}
