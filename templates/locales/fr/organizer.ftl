# Pages des organisateurs : connexion, double authentification, invitations, tableau de bord et équipe.

organizer-nav-label = Menu des organisateurs
organizer-nav-home = Organisateurs
organizer-nav-dashboard = Vos programmes
organizer-nav-team = Équipe
organizer-nav-two-factor = Double authentification
organizer-nav-sign-out = Se déconnecter

organizer-role-admin = Administrateur ou administratrice
organizer-role-program_director = Responsable de programme
organizer-role-reviewer = Évaluateur ou évaluatrice
organizer-role-finance = Finances
organizer-role-scolarite = Scolarité

organizer-sign-in-title = Connexion des organisateurs
organizer-sign-in-lead = Pour les personnes qui organisent les écoles d'été.
organizer-sign-in-applicants = Vous candidatez à une école d'été ?
organizer-sign-in-applicants-link = Connexion des candidats
organizer-email = Adresse e-mail
organizer-password = Mot de passe
organizer-sign-in-submit = Se connecter
organizer-signed-out = Vous êtes déconnecté.
organizer-error-password-empty = Saisissez votre mot de passe
organizer-error-wrong = L'adresse e-mail ou le mot de passe est incorrect
organizer-error-locked = Ce compte est bloqué après trop d'essais infructueux. Réessayez après { $time } (heure de Paris).
organizer-error-throttled = Il y a eu trop d'essais infructueux depuis votre réseau. Attendez 15 minutes, puis réessayez.

organizer-code-title = Saisissez le code de votre application d'authentification
organizer-code-label = Code à 6 chiffres
organizer-code-hint = Votre application affiche un nouveau code toutes les 30 secondes.
organizer-code-submit = Continuer
organizer-error-code-empty = Saisissez le code à 6 chiffres de votre application d'authentification
organizer-error-code-wrong = Le code est incorrect ou a déjà servi. Saisissez le code que votre application affiche maintenant.

dashboard-title = Vos programmes
dashboard-signed-in-as = Connecté en tant que { $name }, { $role }
dashboard-none = Aucun programme ne vous a encore été confié. Demandez-le à un administrateur.
dashboard-program = Programme
dashboard-edition = Édition
dashboard-dates = Dates
dashboard-capacity = Capacité
dashboard-held = Places prises
dashboard-left = Places restantes

two-factor-title = Double authentification
two-factor-on = La double authentification est activée : après votre mot de passe, vous saisissez un code de votre application d'authentification.
two-factor-off = La double authentification est désactivée. Activez-la pour que votre mot de passe seul ne suffise pas à vous connecter.
two-factor-step-1 = Ouvrez une application d'authentification (par exemple FreeOTP, Aegis, Google Authenticator ou Microsoft Authenticator) et ajoutez un compte.
two-factor-step-2 = Saisissez cette clé dans l'application, ou ouvrez le lien sur l'appareil qui a l'application :
two-factor-key = Clé
two-factor-link = Lien pour les applications d'authentification
two-factor-step-3 = Saisissez le code affiché par l'application, pour vérifier qu'elle fonctionne.
two-factor-enable = Activer la double authentification
two-factor-disable-lead = Pour la désactiver, saisissez un code de votre application.
two-factor-disable = Désactiver la double authentification
two-factor-enabled = La double authentification est maintenant activée.
two-factor-disabled = La double authentification est maintenant désactivée.

invitation-title = Choisissez votre mot de passe
invitation-lead = Vous êtes invité à organiser les écoles d'été en tant que { $name } ({ $email }). Choisissez un mot de passe pour terminer.
invitation-password = Mot de passe
invitation-password-hint = Au moins 12 caractères. Quelques mots sans rapport entre eux sont faciles à retenir et difficiles à deviner.
invitation-confirm = Saisissez de nouveau le mot de passe
invitation-submit = Enregistrer mon mot de passe
invitation-done-title = Votre mot de passe est enregistré
invitation-done-body = Vous pouvez maintenant vous connecter avec votre adresse e-mail et ce mot de passe.
invitation-sign-in = Se connecter
invitation-invalid-title = Cette invitation ne fonctionne plus
invitation-invalid-body = Une invitation ne sert qu'une fois, pendant 72 heures. Demandez à un administrateur de vous inviter de nouveau.
invitation-error-password-empty = Saisissez un mot de passe
invitation-error-password-short = Le mot de passe doit comporter au moins 12 caractères
invitation-error-password-long = Le mot de passe doit comporter au plus 256 caractères
invitation-error-mismatch = Les deux mots de passe ne sont pas identiques

team-title = Équipe
team-lead = Toutes les personnes qui peuvent se connecter comme organisateurs. Les administrateurs, les finances et la scolarité agissent sur tous les programmes ; les responsables de programme et les évaluateurs seulement sur les programmes qui leur sont confiés.
team-name = Nom
team-email = Adresse e-mail
team-role = Rôle
team-programs = Programmes
team-status = État
team-status-active = Actif
team-status-invited = Invité, sans mot de passe pour l'instant
team-status-locked = Bloqué jusqu'à { $time } (heure de Paris)
team-two-factor-on = Double authentification activée
team-save = Enregistrer
team-reinvite = Renvoyer l'invitation
team-unlock = Débloquer
team-programs-hint = Seulement pour les responsables de programme et les évaluateurs.
team-invite-title = Inviter un organisateur
team-invite-name = Nom complet
team-invite-lang = Langue de l'e-mail d'invitation
team-invite-submit = Envoyer l'invitation
team-invited = L'invitation a été envoyée. Elle sert une fois, pendant 72 heures.
team-saved = Le rôle et les programmes ont été enregistrés.
team-unlocked = Le compte a été débloqué.
team-error-name-empty = Saisissez le nom de la personne
team-error-name-long = Le nom doit comporter au plus 200 caractères
team-error-role = Choisissez un rôle
team-error-programs = Choisissez au moins un programme pour un responsable de programme ou un évaluateur
team-error-exists = Un organisateur a déjà cette adresse e-mail
team-error-last-admin = Il doit toujours rester au moins un administrateur

denied-title = Vous n'avez pas accès à cette page
denied-body = Votre rôle ne le permet pas. Si vous en avez besoin, demandez-le à un administrateur.

email-organizer-invitation-subject = Vous êtes invité à organiser les écoles d'été
email-organizer-invitation-body = { $inviter } vous invite à rejoindre les organisateurs des écoles d'été en tant que : { $role }. Ouvrez le lien ci-dessous pour choisir votre mot de passe.
email-organizer-invitation-expiry = Le lien ne sert qu'une fois, pendant 72 heures. Si vous n'attendiez pas cet e-mail, vous pouvez l'ignorer.
