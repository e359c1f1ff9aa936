# Organizer pages: sign-in, two-factor, invitations, the dashboard and the team.

organizer-nav-label = Organizer menu
organizer-nav-home = Organizers
organizer-nav-dashboard = Your programs
organizer-nav-team = Team
organizer-nav-two-factor = Two-factor sign-in
organizer-nav-sign-out = Sign out

organizer-role-admin = Administrator
organizer-role-program_director = Program director
organizer-role-reviewer = Reviewer
organizer-role-finance = Finance
organizer-role-scolarite = Scolarité (student records)

organizer-sign-in-title = Sign in as an organizer
organizer-sign-in-lead = For the people who run the summer schools.
organizer-sign-in-applicants = Applying to a summer school?
organizer-sign-in-applicants-link = Sign in as an applicant
organizer-email = Email address
organizer-password = Password
organizer-sign-in-submit = Sign in
organizer-signed-out = You have signed out.
organizer-error-password-empty = Enter your password
organizer-error-wrong = The email address or the password is wrong
organizer-error-locked = This account is locked after too many failed attempts. Try again after { $time } (Paris time).
organizer-error-throttled = There have been too many failed attempts from your network. Wait 15 minutes, then try again.

organizer-code-title = Enter the code from your authenticator app
organizer-code-label = 6-digit code
organizer-code-hint = Your app shows a new code every 30 seconds.
organizer-code-submit = Continue
organizer-error-code-empty = Enter the 6-digit code from your authenticator app
organizer-error-code-wrong = The code is wrong or has already been used. Enter the code your app shows now.

dashboard-title = Your programs
dashboard-signed-in-as = Signed in as { $name }, { $role }
dashboard-none = No program has been given to you yet. Ask an administrator.
dashboard-program = Program
dashboard-edition = Edition
dashboard-dates = Dates
dashboard-capacity = Capacity
dashboard-held = Seats held
dashboard-left = Seats left

two-factor-title = Two-factor sign-in
two-factor-on = Two-factor sign-in is on: after your password, you enter a code from your authenticator app.
two-factor-off = Two-factor sign-in is off. Turn it on so that your password alone is not enough to sign in.
two-factor-step-1 = Open an authenticator app (such as FreeOTP, Aegis, Google Authenticator or Microsoft Authenticator) and add an account.
two-factor-step-2 = Type this key into the app, or open the link on the device that has the app:
two-factor-key = Key
two-factor-link = Link for authenticator apps
two-factor-step-3 = Enter the code the app shows, to check that it works.
two-factor-enable = Turn on two-factor sign-in
two-factor-disable-lead = To turn it off, enter a code from your app.
two-factor-disable = Turn off two-factor sign-in
two-factor-enabled = Two-factor sign-in is now on.
two-factor-disabled = Two-factor sign-in is now off.

invitation-title = Choose your password
invitation-lead = You are invited to organize the summer schools as { $name } ({ $email }). Choose a password to finish.
invitation-password = Password
invitation-password-hint = At least 12 characters. A few unrelated words are easy to remember and hard to guess.
invitation-confirm = Type the password again
invitation-submit = Set my password
invitation-done-title = Your password is set
invitation-done-body = You can now sign in with your email address and this password.
invitation-sign-in = Sign in
invitation-invalid-title = This invitation no longer works
invitation-invalid-body = Invitations work once, for 72 hours. Ask an administrator to invite you again.
invitation-error-password-empty = Enter a password
invitation-error-password-short = The password must be 12 characters or more
invitation-error-password-long = The password must be 256 characters or fewer
invitation-error-mismatch = The two passwords are not the same

team-title = Team
team-lead = Everyone who can sign in as an organizer. Administrators, finance and scolarité act on every program; program directors and reviewers only on the programs given to them.
team-name = Name
team-email = Email address
team-role = Role
team-programs = Programs
team-status = Status
team-status-active = Active
team-status-invited = Invited, no password yet
team-status-locked = Locked until { $time } (Paris time)
team-two-factor-on = Two-factor sign-in on
team-save = Save
team-reinvite = Send the invitation again
team-unlock = Unlock
team-programs-hint = Only for program directors and reviewers.
team-invite-title = Invite an organizer
team-invite-name = Full name
team-invite-lang = Language of the invitation email
team-invite-submit = Send the invitation
team-invited = The invitation has been sent. It works once, for 72 hours.
team-saved = The role and programs have been saved.
team-unlocked = The account has been unlocked.
team-error-name-empty = Enter the person's name
team-error-name-long = The name must be 200 characters or fewer
team-error-role = Choose a role
team-error-programs = Choose at least one program for a program director or a reviewer
team-error-exists = An organizer with this email address already exists
team-error-last-admin = There must always be at least one administrator

denied-title = You do not have access to this page
denied-body = Your role does not allow this. If you need it, ask an administrator.

email-organizer-invitation-subject = You are invited to organize the summer schools
email-organizer-invitation-body = { $inviter } invites you to join the organizers of the summer schools as: { $role }. Open the link below to choose your password.
email-organizer-invitation-expiry = The link works once, for 72 hours. If you were not expecting this email, you can ignore it.
