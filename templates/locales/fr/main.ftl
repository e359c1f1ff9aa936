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
