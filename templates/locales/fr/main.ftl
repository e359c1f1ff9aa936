site-name = Summer Schools
site-owner = Université Paris Cité · UFR de Médecine
skip-to-content = Aller au contenu principal
language-switch = Langue
footer-contact = Questions sur les summer schools : écrivez à
footer-api = Données ouvertes : les programmes en JSON
footer-verify = Les attestations délivrées par ce service peuvent être vérifiées sur ce site.

home-title = Summer Schools à Paris
home-lead = Des programmes de deux semaines, entièrement en anglais, à l'UFR de Médecine de l'Université Paris Cité, pour les étudiants internationaux en médecine et en sciences de la santé, les ingénieurs et les data scientists.
home-empty = Aucun programme n'est encore publié.
edition-demo-badge = Démo
edition-demo-notice = Ceci est une édition de démonstration pour essayer le service. Ce n'est pas une vraie école : rien de ce que vous faites ici n'est une candidature.

program-dates = Dates
program-fee = Frais d'inscription
program-certification = Certification
program-places = Lieux
program-language = Langue
program-taught-in-en = Entièrement en anglais
program-taught-in-fr = En français
program-workload = Volume
program-ects = { $ects } crédits ECTS
program-hours = { $hours } heures
program-audience = Public
program-applications = Candidatures
program-seats = Places
program-contact = Questions sur cette école
program-read-more = Découvrir cette école
program-back = Toutes les summer schools
program-past = Cette édition a eu lieu { $dates }.

cert-attestation_of_success = Attestation de réussite de l'Université Paris Cité
cert-afgsu2 = AFGSU de niveau 2 : l'attestation officielle de formation aux gestes et soins d'urgence pour les professionnels de santé (valable 4 ans)

window-open = Les candidatures sont ouvertes jusqu'au { $date } (heure de Paris).
window-not-yet = Les candidatures ouvrent le { $date } (heure de Paris).
window-closed = Les candidatures sont closes.

seats-left = { $count ->
    [one] 1 place restante
   *[other] { $count } places restantes
}
seats-full = Complet : les nouvelles candidatures vont sur liste d'attente
seats-capacity = { $count } places au total

not-found-title = Page introuvable
not-found-body = Si vous avez saisi l'adresse, vérifiez qu'elle est correcte. Si vous avez suivi un lien, la page a peut-être été déplacée.
not-found-home = Aller à l'accueil des summer schools
error-title = Désolé, le service rencontre un problème
error-body = Veuillez réessayer plus tard. Rien de ce que vous avez saisi n'a été perdu. Si le problème persiste, écrivez-nous.

email-greeting = Bonjour,
email-signoff = L'équipe des summer schools, UFR de Médecine de l'Université Paris Cité
email-organizer-welcome-subject = Votre compte organisateur pour les summer schools
email-organizer-welcome-body = Un compte organisateur a été créé pour vous avec le rôle : { $role }. Vous vous connecterez à l'adresse ci-dessous avec cette adresse électronique et le mot de passe remis à la personne qui a créé le compte.
email-test-subject = Message de test du service des summer schools
email-test-body = Ce message confirme que le service peut envoyer des courriels. Vous n'avez rien à faire.

forbidden-title = Ce formulaire a expiré
forbidden-body = Pour votre sécurité, les formulaires cessent de fonctionner après un certain temps ou dans un autre navigateur. Revenez en arrière, rechargez la page et réessayez : rien n'a été modifié.

error-summary-title = Il y a un problème
error-title-prefix = Erreur :
field-optional = (facultatif)
button-continue = Continuer
button-back = Retour

nav-my-applications = Vos candidatures
nav-sign-in = Se connecter
nav-sign-out = Se déconnecter

sign-in-title = Se connecter pour candidater
sign-in-lead = Nous vous enverrons par courriel un lien de connexion. Aucun mot de passe n'est nécessaire.
sign-in-email = Adresse électronique
sign-in-email-hint = Utilisez une adresse que vous pouvez consulter maintenant. Nous l'utiliserons aussi pour vous informer de votre candidature.
sign-in-submit = M'envoyer un lien de connexion
sign-in-sent-title = Consultez votre messagerie
sign-in-sent-body = Nous avons envoyé un lien de connexion à { $email }. Il fonctionne une seule fois, pendant 30 minutes.
sign-in-sent-help = Rien après quelques minutes ? Regardez dans vos indésirables, ou demandez un nouveau lien. Pour votre sécurité, nous envoyons au plus 5 liens par heure à une même adresse.
sign-in-confirm-title = Poursuivre la connexion
sign-in-confirm-body = Sélectionnez le bouton pour terminer la connexion sur cet appareil.
sign-in-confirm-submit = Se connecter
sign-in-invalid-title = Ce lien de connexion ne fonctionne plus
sign-in-invalid-body = Les liens de connexion fonctionnent une seule fois, pendant 30 minutes. Demandez-en un nouveau.
sign-in-again = Obtenir un nouveau lien de connexion
sign-out-done = Vous êtes déconnecté.

error-email-empty = Saisissez votre adresse électronique
error-email-malformed = Saisissez une adresse électronique au bon format, par exemple nom@exemple.org
error-email-too-long = L'adresse électronique doit comporter 254 caractères au plus

email-sign-in-subject = Votre lien de connexion aux summer schools
email-sign-in-body = Utilisez le lien ci-dessous pour vous connecter. Il fonctionne une seule fois, pendant 30 minutes. Si vous ne l'avez pas demandé, ignorez ce courriel : personne ne peut se connecter sans lui.

applications-title = Vos candidatures
applications-signed-in-as = Connecté avec { $email }
applications-none = Vous n'avez pas encore commencé de candidature.
applications-browse = Voir les summer schools
