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
seats-capacity = { $count ->
    [one] { $count } place au total
    *[other] { $count } places au total
  }

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

program-apply = Candidater à cette école
apply-start-title = Candidater : { $program }
apply-start-body = Vos réponses sont enregistrées à chaque étape : vous pouvez vous arrêter et revenir. Vous vérifiez tout avant l'envoi.
apply-start-need = Il vous faudra : votre CV, une lettre de motivation et un relevé de notes ou un justificatif de votre statut, en PDF, JPEG ou PNG.
apply-start-submit = Commencer votre candidature
apply-closed = Les candidatures pour cette école ne sont pas ouvertes.

step-identity = Votre identité
step-contact = Vos coordonnées
step-background = Vos études et votre activité
step-motivation = Votre motivation
step-documents = Vos documents
step-declaration = Déclaration
step-check = Vérifiez vos réponses avant d'envoyer votre candidature
step-caption = Candidature : { $program }

field-given_names = Prénoms
field-given_names-hint = Tous, comme sur votre passeport.
field-family_name = Nom de famille
field-certificate_name = Nom tel qu'il doit figurer sur les attestations
field-certificate_name-hint = Exactement comme il doit être imprimé sur votre attestation. Les lettres latines, grecques et cyrilliques peuvent être imprimées.
field-birth_date = Date de naissance
field-birth_date-hint = Par exemple, 27 3 1998
date-day = Jour
date-month = Mois
date-year = Année
field-nationality = Nationalité
field-residence_country = Pays de résidence
choose-country = Choisissez un pays
field-phone = Numéro de téléphone
field-phone-hint = Au format international : + puis l'indicatif du pays, par exemple +33 6 12 34 56 78
field-address = Adresse postale, pour votre facture
field-address_line1 = Adresse, ligne 1
field-address_line2 = Adresse, ligne 2 (facultatif)
field-address_city = Ville
field-address_postcode = Code postal (facultatif)
field-address_country = Pays
field-category = Quelle situation vous décrit le mieux ?
category-medical_student = Étudiant en médecine
category-resident = Interne (médecin en formation de spécialité)
category-physician = Médecin
category-nurse_or_health_professional = Infirmier ou autre professionnel de santé
category-engineer_or_data_scientist = Ingénieur ou data scientist
category-other = Autre
field-study_year = Année d'études de médecine (étudiants en médecine seulement)
field-study_year-hint = Un nombre de 1 à 7
field-institution = Université, hôpital ou entreprise
field-institution_country = Pays de votre établissement
field-partner_university = Votre établissement est-il une université partenaire de l'Université Paris Cité ?
field-partner_university-hint = Les universités partenaires sont listées sur les pages relations internationales de la faculté.
answer-yes = Oui
answer-no = Non
field-english_level = Votre niveau d'anglais
field-english_level-hint = L'école est entièrement enseignée en anglais. Un niveau B2 ou plus est recommandé.
english-b1 = B1 : intermédiaire
english-b2 = B2 : intermédiaire supérieur
english-c1 = C1 : avancé
english-c2 = C2 : maîtrise
english-native = Langue maternelle ou bilingue
field-motivation = Pourquoi souhaitez-vous rejoindre cette école ?
field-motivation-hint = Entre { $min } et { $max } caractères.
field-cv = CV
field-motivation_letter = Lettre de motivation
field-proof_of_status = Relevé de notes ou justificatif de statut
field-proof_of_status-hint = Un relevé de notes, une carte d'étudiant, une attestation d'emploi ou une autorisation d'exercer.
field-fee_proof = Justificatif pour un tarif réduit
documents-hint = PDF, JPEG ou PNG, 10 Mo au plus chacun. Pour remplacer un fichier, choisissez-en un nouveau.
document-uploaded = Déposé : { $name } ({ $size })
field-consent = J'ai lu la politique de confidentialité et les conditions de candidature, et je les accepte
field-consent-hint = Politique de confidentialité version { $privacy }, conditions de candidature version { $terms }. Nous conservons votre candidature et vos documents pour organiser l'école et délivrer vos attestations, sans jamais les communiquer hors de la faculté.
check-change = Modifier
check-missing = Pas encore renseigné
check-submit = Envoyer la candidature
check-incomplete = Certaines réponses manquent. Complétez-les avant d'envoyer votre candidature.

submitted-title = Candidature envoyée
submitted-reference = Votre référence : { $reference }
submitted-body = Nous avons envoyé une confirmation à { $email }.
submitted-next = La suite : les organisateurs examinent toutes les candidatures après la date limite et vous écrivent leur décision. Vous pouvez suivre votre candidature sur ce site.

application-status-draft = Brouillon : pas encore envoyée
application-status-submitted = Envoyée, en attente d'examen
application-status-under_review = En cours d'examen
application-status-accepted = Acceptée : payez pour confirmer votre place
application-status-waitlisted = Sur liste d'attente
application-status-rejected = Non retenue
application-status-enrolled = Inscrit
application-status-expired = Offre expirée
application-status-withdrawn = Retirée
application-status-cancelled = Annulée
application-status-completed = Formation validée
application-status-not_completed = Formation non validée

applications-continue = Poursuivre votre candidature
applications-view = Voir
application-title = Votre candidature : { $program }
application-reference = Référence
application-status = Statut
application-next = Prochaine étape
application-next-draft = Terminez et envoyez votre candidature avant le { $date } (heure de Paris).
application-next-submitted = Rien pour l'instant : les organisateurs examineront votre candidature et vous écriront leur décision.
application-next-none = Rien à faire.
application-documents = Documents
application-timeline = Historique
application-withdraw = Retirer cette candidature
application-withdraw-hint = Si vous la retirez, votre candidature ne sera pas examinée. Vous ne pourrez pas revenir en arrière.
timeline-application-started = Candidature commencée
timeline-application-document-added = Document déposé
timeline-application-submitted = Candidature envoyée
timeline-application-withdrawn = Candidature retirée
timeline-email-sent = Courriel envoyé : { $subject }
timeline-email-queued = Courriel en cours d'envoi : { $subject }
timeline-application-under-review = L'examen de votre candidature a commencé
timeline-application-cancelled = Inscription annulée
timeline-application-completed = École achevée
timeline-visa-letter-requested = Lettre pour le visa délivrée
timeline-visa-letter-erased = Données du passeport effacées après l'école

error-name-empty = Saisissez un nom
error-name-too-long = { $count } caractères au plus
error-name-characters = Utilisez seulement des lettres, des espaces, des traits d'union et des apostrophes
error-certificate-name-script = Nos attestations ne peuvent pas imprimer certaines de ces lettres. Saisissez votre nom sous sa forme latine, comme dans les lignes lisibles par machine de votre passeport
error-certificate-name-too-long = Ce nom est trop long pour être imprimé sur l'attestation et le badge. Raccourcissez-le, par exemple avec les initiales des seconds prénoms
error-passport-name-script = Nos lettres ne peuvent pas imprimer certaines de ces lettres. Saisissez le nom comme dans les lignes lisibles par machine du passeport
error-passport-name-too-long = Ce nom est trop long pour être imprimé sur la lettre. Saisissez-le comme dans les lignes lisibles par machine du passeport
error-date-empty = Saisissez une date
error-date-incomplete = Saisissez le jour, le mois et l'année
error-date-real = Saisissez une date qui existe
error-date-year = Saisissez l'année sur 4 chiffres
error-birth-date-future = La date doit être dans le passé
error-birth-date-young = Vous devez avoir au moins { $count } ans
error-phone-empty = Saisissez un numéro de téléphone
error-phone-international = Saisissez le numéro au format international : + puis l'indicatif du pays, par exemple +33 6 12 34 56 78
error-required = Renseignez cette information
error-too-long = { $count } caractères au plus
error-characters = Supprimez les caractères de contrôle invisibles
error-motivation-empty = Dites-nous pourquoi vous souhaitez rejoindre cette école
error-motivation-short = Écrivez au moins { $count } caractères
error-motivation-long = Écrivez { $count } caractères au plus
error-choose-one = Choisissez une option
error-study-year-empty = Saisissez votre année d'études de médecine
error-study-year-range = Saisissez un nombre de 1 à { $count }
error-country = Choisissez un pays dans la liste
error-file-empty = Le fichier choisi est vide
error-file-too-large = Le fichier doit faire moins de 10 Mo
error-file-type = Le fichier doit être un PDF, un JPEG ou un PNG
error-file-required = Déposez ce document
error-consent = Cochez la case pour confirmer votre accord
error-window = Les candidatures pour cette école sont closes

email-received-subject = Candidature reçue : { $program }
email-received-body = Nous avons bien reçu votre candidature à { $program } (référence { $reference }).
email-received-summary = Vous avez envoyé : identité et coordonnées, vos études et votre activité, votre lettre de motivation et { $documents ->
    [one] { $documents } document
    *[other] { $documents } documents
  }.
email-received-next = Les organisateurs examinent toutes les candidatures après la date limite et vous écriront leur décision. Vous pouvez suivre votre candidature ici :
field-requested_fee_tier = Quel tarif demandez-vous ?
field-requested_fee_tier-hint = Un tarif réduit demande un justificatif (carte d'étudiant, lettre d'une université partenaire…), à déposer avec vos documents. Les organisateurs confirment le tarif en vous faisant une offre.
field-fee_proof-hint = Le document qui montre que vous pouvez bénéficier du tarif demandé.
application-receipts = Reçus
field-discount_code = Code de réduction (facultatif)
field-discount_code-hint = Si votre université ou un partenaire vous a donné un code, saisissez-le ici. Il s'applique à vos droits lorsqu'une place vous est proposée, s'il est encore valable à ce moment-là.
error-code-malformed = Un code compte 3 à 32 lettres, chiffres ou tirets. Vérifiez votre saisie.
error-code-unknown = Ce code n'existe pas pour ce programme. Vérifiez votre saisie ou laissez le champ vide.
error-code-other-program = Ce code est destiné à un autre programme.
error-code-expired = Ce code a expiré.
error-code-used-up = Ce code a déjà été utilisé autant de fois qu'il le permet.
application-certificates = Vos certificats
application-certificate-badge = Open Badge (JSON)
application-certificate-share = Chacun peut le vérifier à l'adresse :

# La démo (serve --demo)
demo-banner-label = Démo
demo-banner-text = Ce service fonctionne en démonstration : rien ici n'est une vraie candidature, un vrai paiement ni un vrai certificat.
demo-banner-link = Se connecter comme une personne de la démo
demo-title = Essayer la démo
demo-intro = La démo compte deux éditions des écoles d'été : l'une ouverte aux candidatures, l'autre dont l'école s'est terminée la semaine dernière. Ses personnes en sont à chaque étape et tiennent chaque rôle. Choisissez quelqu'un pour vous connecter à sa place en un clic.
demo-labelled = Tout ce qui relève de la démo est signalé : ses reçus, certificats et lettres portent la mention DÉMO sur la page et sur la page de vérification, et sont numérotés dans des séries à part (DEMO-R-…, DEMO-UPC-SS-…, DEMO-V-…) : essayer le service ne consomme aucun vrai numéro. Ses adresses électroniques se terminent par @demo.example et n'atteignent personne.
demo-organizers-heading = Organisateurs
demo-organizers-password = Un par rôle. Ils peuvent aussi se connecter sur la page de connexion des organisateurs avec leur adresse électronique et le mot de passe de la démo { $password }.
demo-applicants-heading = Candidats et diplômés
demo-applicants-intro = Les candidats voient leur candidature et son historique ; les diplômés voient aussi leurs certificats, qu'ils peuvent télécharger et partager.
demo-verify-heading = Vérifier un certificat ou une lettre
demo-verify-intro = Quiconque détient un certificat ou une lettre d'invitation pour le visa le vérifie avec le code imprimé dessus (et dans son code QR). Essayez les codes de la démo :
demo-verify-none = La démo n'a pas encore de certificats.
demo-column-name = Nom
demo-column-role = Rôle
demo-column-email = Adresse électronique
demo-column-stage = Où en est cette personne
demo-column-sign-in = Connexion
demo-column-code = Code
demo-column-document = Document
demo-column-holder = Titulaire
demo-sign-in-as = Se connecter comme { $name }
demo-edition-open = Édition de démonstration ouverte aux candidatures
demo-edition-past = Édition de démonstration dont l'école est terminée
demo-stage-draft = A commencé une candidature sans l'envoyer
demo-stage-submitted = A envoyé une candidature, en attente d'examen
demo-stage-under-review = Candidature en cours d'examen, notée par deux évaluateurs
demo-stage-waitlisted = Sur liste d'attente
demo-stage-offered = Place proposée, paiement pas encore fait
demo-stage-enrolled = A payé et est inscrite, avec une lettre d'invitation pour le visa
demo-stage-rejected = Candidature non retenue
demo-stage-withdrawn = A retiré sa candidature
demo-stage-graduated = Diplômée : attestation de réussite et AFGSU 2
demo-stage-graduated-visa = Diplômée : attestation de réussite et AFGSU 2, et une lettre pour le visa avant l'école
demo-stage-corrected = Diplômé ; une note a été corrigée et l'attestation remplacée
demo-stage-revoked = Diplômé ; l'attestation de réussite a ensuite été révoquée
demo-stage-absent = Absent trois jours : pas de certificat
demo-document-visa = Lettre d'invitation pour le visa
demo-document-afgsu = Attestation AFGSU 2
demo-document-issued = valide
demo-document-revoked = révoquée
demo-document-superseded = remplacée par une correction
demo-locked-title = Ce compte de démonstration est verrouillé pour le moment
demo-locked-body = Quelqu'un a saisi cinq fois un mauvais mot de passe pour lui sur la page de connexion des organisateurs : il est donc verrouillé pendant 15 minutes, comme tout compte. Essayez une autre personne de la démo, ou revenez plus tard.
unavailable-title = Désolés, le service est indisponible
unavailable-body = Il ne peut pas joindre ses données pour le moment. Veuillez réessayer dans quelques minutes : rien de ce que vous avez saisi auparavant n'a été perdu.
