# Certificats (PDF).
certificate-success-title = Attestation de réussite
certificate-afgsu-title = Attestation de formation aux gestes et soins d'urgence de niveau 2 (AFGSU 2)
certificate-certify = Nous certifions que
certificate-born = né(e) le { $date }
certificate-success-completed = a suivi avec succès l'école d'été
certificate-afgsu-completed = a suivi la formation aux gestes et soins d'urgence de niveau 2, dans le cadre de l'école d'été
# Lieux et établissements viennent du catalogue : les phrases les nomment après deux-points ou entre
# parenthèses, pour qu'elles se lisent bien quelle que soit leur grammaire (aucun article à accorder).
certificate-details = Lieu : { $place } · { $dates } · enseignement en { $language } · { $hours } heures d'enseignement
certificate-result-passed = Résultat : admis(e)
certificate-result-grade = Résultat : admis(e), note { $grade }
certificate-result-failed = Résultat : non admis(e)
certificate-ects = { $ects } crédits ECTS
certificate-ects-workload = { $ects } crédits ECTS ({ $hours } heures de travail de l'étudiant)
certificate-afgsu-level = Niveau 2, gestes pratiques validés
certificate-valid-until = Valable jusqu'au { $date }
certificate-outcomes = Acquis d'apprentissage
certificate-supersedes = Cette attestation remplace celle portant le numéro { $serial }.
certificate-issued = Fait à { $place }, le { $date }
certificate-serial = Numéro de série : { $serial }
certificate-code = Code de vérification : { $code }
certificate-verify-at = Chacun peut vérifier ce document à l'adresse :
certificate-signed = Ses données sont signées électroniquement (Ed25519) ; le fichier les contient pour une vérification hors ligne.
verify-title = Vérification d'un certificat
verify-status-valid = Valide : ce certificat a été délivré par nous et reste valable.
verify-status-revoked = Retiré : ce certificat n'est plus valable.
verify-status-superseded = Remplacé : un certificat corrigé a été délivré à sa place.
verify-status-expired = Expiré : la date de fin de validité de cette attestation est passée.
verify-revoked-reason = Motif : { $reason }
verify-superseded-by = Il est remplacé par le certificat numéro { $serial }.
verify-issuer = Délivré par
verify-holder = Titulaire
verify-what = Certificat
verify-dates = Dates du programme
verify-issued = Date de délivrance
verify-serial = Numéro de série
verify-credits = Crédits ECTS
verify-credits-workload = { $ects } ({ $hours } heures de travail de l'étudiant)
verify-hours = Heures
verify-hours-value = { $hours } heures d'enseignement
verify-result = Résultat
verify-result-passed = Admis(e)
verify-result-grade = Admis(e), note { $grade }
verify-result-failed = Non admis(e)
verify-valid-until = Valable jusqu'au
verify-signature-ok = Sa signature électronique est vérifiée avec notre clé publique.
verify-signature-bad = Sa signature électronique ne correspond pas à notre clé publique : contactez l'émetteur.
verify-key = Notre clé publique, pour vérifier vous-même les fichiers de certificat et les Open Badges :
verify-letter-title = Vérification d'une lettre d'invitation
verify-letter-status-valid = Valable : nous avons délivré cette lettre d'invitation, et la personne a toujours sa place à l'école.
verify-letter-dates-changed = Les dates de l'école ont changé depuis l'émission de cette lettre : elle se tient désormais { $dates }. Les dates ci-dessus sont celles de la lettre.
verify-letter-status-withdrawn = N'est plus valable : la personne n'a plus de place à cette école.
verify-letter-status-ended = L'école est terminée : cette lettre a bien été délivrée par nous pour celle-ci.
verify-letter-what = Invitation à l'école d'été
verify-letter-number = Numéro de la lettre
verify-letter-records = Vérifié dans les dossiers de la faculté à l'ouverture de cette page. Les données de passeport de la lettre ne sont pas affichées ici.
verify-another = Vérifier un autre code
verify-lookup-title = Vérifier un certificat ou une lettre d'invitation
verify-lookup-lead = Saisissez le code de vérification imprimé sur le document pour savoir si nous l'avons délivré et s'il est toujours valable.
verify-missing-title = Aucun certificat ni aucune lettre n'a ce code
verify-missing-body = Nous n'avons aucun certificat ni aucune lettre d'invitation portant le code « { $code } ».
verify-missing-malformed = Nos codes ne s'écrivent pas ainsi : comparez-le au document, caractère par caractère.
verify-code-label = Code de vérification
verify-code-hint = 16 lettres et chiffres en quatre groupes de quatre, par exemple 7KQ2-MX9D-4T8P-ZR3W
verify-submit = Vérifier le code
verify-error-empty = Saisissez le code de vérification imprimé sur le document
verify-where-title = Où trouver le code
verify-where-certificate = Sur un certificat : en bas de la page, à gauche, à côté du QR code, sur la ligne « Code de vérification : » (« Verification code: » sur un certificat en anglais), sous le numéro de série.
verify-where-letter = Sur une lettre d'invitation : en bas de la page, à gauche, à côté du QR code, à la fin de l'adresse qui y est imprimée : le code est ce qui suit /verify/.
verify-where-qr = Scanner le QR code avec l'appareil photo d'un téléphone ouvre la vérification du document sans rien saisir.
verify-format = Un code compte 16 caractères en quatre groupes de quatre, séparés par des tirets : des lettres majuscules et les chiffres 2 à 9. Il ne contient jamais 0, 1, I ni O, pour ne pas être mal lu. Majuscules ou minuscules, espaces et tirets n'ont pas d'importance.
verify-contact-title = Si vous ne le trouvez toujours pas
verify-contact = Si le code est bien saisi et ne correspond toujours à rien, ou si le document n'a pas de code, écrivez-nous en indiquant le numéro de série du certificat ou le numéro de la lettre :
notice-certificates-subject = Vos attestations : { $program }
notice-certificates-body = Félicitations : vous avez terminé { $program }. Vos attestations sont jointes à ce message.
notice-certificates-keep = Elles restent sur votre page des attestations : téléchargez-les à tout moment, obtenez leur Open Badge et copiez un lien que chacun peut utiliser pour les vérifier.
# La page de la promotion, pour les organisateurs.
cohort-title = Participants, présence et attestations
cohort-link = Participants, présence et attestations
cohort-rule-assessment = Attestation délivrée : présence à au moins { $days } des { $total } jours de cours, et évaluation réussie.
cohort-rule-attendance = Attestation délivrée : présence à au moins { $days } des { $total } jours de cours.
cohort-certificates = Attestations
cohort-signed-by = Signées par
cohort-afgsu-by = AFGSU 2 délivrée par
cohort-issue-summary = En délivrant maintenant : { $graduates ->
    [one] { $graduates } diplômé recevrait
    *[other] { $graduates } diplômés recevraient
  } { $documents ->
    [one] { $documents } document
    *[other] { $documents } documents
  } ; { $held } ont déjà les leurs ; { $short } ne remplissent pas encore les conditions.
cohort-issue = Délivrer les attestations
cohort-issue-not-finished = Les attestations se délivrent à partir du dernier jour de l'école, le { $date }.
cohort-issue-no-issuer = Le catalogue ne dit pas qui signe les attestations : ajoutez sa table [certificates].
cohort-issue-no-cesu = Le catalogue ne nomme pas le CESU qui délivre l'AFGSU 2 ou qui la signe pour le CESU (certificates.afgsu_issuer, certificates.afgsu_signatory).
cohort-issued = { $graduates ->
    [one] { $graduates } diplômé a reçu
    *[other] { $graduates } diplômés ont reçu
  } { $documents ->
    [one] { $documents } document
    *[other] { $documents } documents
  }. Chacun est prévenu par courriel.
cohort-revoked = L'attestation est révoquée : sa page de vérification l'indique, avec le motif.
cohort-corrected = Une attestation corrigée remplace l'ancienne ; le diplômé est prévenu par courriel.
cohort-participants = Participants
cohort-none = Personne n'est encore inscrit à cette école.
cohort-days = Jours
cohort-result = Résultat
cohort-grade = Note
cohort-status = Conditions
cohort-passed = Réussi
cohort-failed = Non réussi
cohort-afgsu-validated = Validée
cohort-afgsu-not-validated = Non validée
cohort-completes = Conditions remplies.
cohort-no-afgsu = Pas d'AFGSU 2 (gestes non validés).
cohort-short-attendance = Présent { $present ->
    [one] { $present } jour
    *[other] { $present } jours
  }, { $required } requis.
cohort-short-no-result = Pas encore de résultat.
cohort-short-failed = Évaluation non réussie.
cohort-short-birth-date = Date de naissance inconnue.
cohort-save-attendance = Enregistrer la présence
cohort-save-results = Enregistrer les résultats
cohort-correct = Délivrer une attestation corrigée
cohort-revoke = Révoquer
cohort-revoke-reason = Motif de la révocation
cohort-error-reason = Donnez le motif de la révocation (500 caractères au plus) : il est affiché sur la page de vérification.
cohort-error-result = Choisissez réussi ou non réussi
cohort-error-grade = Une note fait au plus 20 caractères
cohort-error-afgsu = Indiquez si la formation pratique AFGSU 2 a été validée
cohort-saved-attendance = Présence enregistrée.
cohort-saved-results = Résultats enregistrés.
cohort-saved-import = Le fichier de résultats est enregistré.
cohort-import = Importer les résultats d'un tableur
cohort-import-lead = Un fichier CSV avec une ligne d'en-tête : email, result (passed ou failed, admis ou ajourné), et au besoin grade et afgsu (oui ou non). Virgules ou points-virgules. Un fichier qui contient une erreur n'enregistre rien.
cohort-import-file = Fichier de résultats (CSV)
cohort-import-submit = Importer
cohort-import-no-file = Choisissez un fichier CSV à importer
cohort-import-too-large = Le fichier dépasse 256 Ko : est-ce le bon ?
cohort-import-missing-column = La première ligne doit nommer les colonnes ; la colonne { $column } manque
cohort-import-unreadable = Ligne { $line } : ce n'est pas un fichier CSV lisible (enregistrez-le en CSV, UTF-8)
cohort-import-empty = Le fichier ne contient aucun résultat après sa ligne d'en-tête
cohort-import-too-long = Le fichier a plus de lignes qu'une promotion n'a de participants
cohort-import-unknown = Ligne { $line } : aucun participant inscrit n'a l'adresse { $email }
cohort-import-duplicate = Ligne { $line } : { $email } apparaît une seconde fois
cohort-import-result = Ligne { $line } : « { $value } » n'est pas un résultat (admis ou ajourné)
cohort-import-grade = Ligne { $line } : une note fait au plus 20 caractères
cohort-import-afgsu = Ligne { $line } : « { $value } » n'est pas une validation de l'AFGSU 2 (oui ou non)
# La page des attestations du diplômé.
graduates-title = Vos attestations
graduates-none = Vous n'avez pas encore d'attestation. Elles apparaissent ici quand les organisateurs de votre école les délivrent, à partir de son dernier jour ; vous êtes prévenu par courriel.
graduates-lead = Téléchargez-les à tout moment. Partagez le lien de chacune : quiconque l'ouvre peut vérifier qu'elle est authentique, sans compte.
graduates-issued = délivrée le { $date }
graduates-pdf-en = Télécharger en anglais (PDF)
graduates-pdf-fr = Télécharger en français (PDF)
graduates-share = Lien pour la vérifier
graduates-copy = Copier le lien
graduates-copied = Lien copié
applications-certificates = Vos attestations
# La lettre d'invitation pour le visa (PDF) et son formulaire.
visa-letter-number = Réf. { $number }
visa-letter-date = { $place }, le { $date }
visa-letter-to = À l'attention des autorités consulaires concernées
visa-letter-title = Lettre d'invitation
visa-letter-name = Nom (comme sur le passeport)
visa-letter-birth = Date de naissance
visa-letter-nationality = Nationalité
visa-letter-passport = Numéro de passeport
visa-letter-expiry = Passeport valable jusqu'au
# Lieux et établissements viennent du catalogue : les phrases les nomment après deux-points ou entre
# parenthèses, pour qu'elles se lisent bien quelle que soit leur grammaire (aucun article à accorder).
visa-letter-body-enrolled = Nous attestons que { $name } est inscrit(e) à l'école d'été « { $program } » ({ $institution }) et a réglé les frais d'inscription ou en a été exonéré(e).
visa-letter-body-admitted = Nous attestons que { $name } a été admis(e) à l'école d'été « { $program } » ({ $institution }). L'inscription est définitive après le paiement des frais d'inscription.
visa-letter-body-school = Lieu de l'école : { $place }. Dates : { $dates }. Enseignement : { $hours } heures, en présentiel, en semaine.
visa-letter-body-costs = Le voyage, le logement, l'assurance maladie et les frais de séjour sont à la charge du participant. Cette lettre n'engage l'université sur aucun d'eux.
visa-letter-body-contact = Pour toute question sur cette lettre, écrivez à { $contact }.
visa-letter-footer = Cette lettre est délivrée à la demande du participant pour une demande de visa uniquement. Les données de passeport qu'elle contient sont effacées de nos fichiers à la fin de l'école.
visa-letter-verify = Les consulats peuvent vérifier cette lettre, et si elle est toujours valable, à l'adresse :
visa-title = Lettre d'invitation pour le visa
visa-lead = Si vous avez besoin d'un visa pour venir en France, nous rédigeons une lettre d'invitation pour le consulat. Saisissez vos informations exactement comme sur votre passeport. Nous ne les gardons que jusqu'à la fin de l'école.
visa-passport-name = Nom tel qu'il figure sur votre passeport
visa-passport-name-hint = Nom et prénoms, dans l'ordre et l'orthographe de la page d'identité du passeport.
visa-passport-number = Numéro de passeport
visa-nationality = Nationalité (celle du passeport)
visa-birth-date = Date de naissance
visa-expiry = Date d'expiration du passeport
visa-expiry-hint = Votre passeport doit être valable au moins jusqu'au { $date } (trois mois après la fin de l'école).
visa-submit = Obtenir ma lettre
visa-update = Corriger mes informations
visa-ready = Votre lettre { $number } est prête.
visa-download = Télécharger la lettre (PDF)
visa-erased = L'école est terminée : les données de passeport de votre lettre { $number } ont été effacées, comme promis.
visa-not-admitted = La lettre pour le visa est rédigée une fois qu'une place vous a été proposée.
visa-link = Lettre d'invitation pour le visa
error-passport-number-empty = Saisissez votre numéro de passeport
error-passport-number = Saisissez le numéro de passeport tel qu'imprimé : 5 à 20 lettres et chiffres
error-passport-expiry = Votre passeport doit être valable au moins trois mois après la fin de l'école
visa-school-over = L'école est terminée : plus aucune lettre pour le visa n'est rédigée pour elle.
cohort-badges = Imprimer les badges (PDF)
cohort-badges-hint = chacun porte un code QR : scannez-le avec un téléphone connecté ici pour marquer le participant présent pour la journée.
cohort-export = Télécharger la promotion (CSV)
cohort-export-hint = une ligne par participant avec chaque journée, le résultat et la validation. Une fois tous les résultats remplis, le même fichier peut être importé ci-dessous.
badge-role = Participant
badge-scan = Organisateurs : scanner pour l'émargement
check-in-title = Émargement
check-in-present = Présent aujourd'hui.
check-in-not-yet = Pas encore marqué présent aujourd'hui.
check-in-not-a-school-day = Aujourd'hui n'est pas un jour de cours de ce programme : rien à marquer.
check-in-submit = Marquer présent aujourd'hui
check-in-done = Présence enregistrée.
check-in-next = Scannez le badge suivant avec l'appareil photo de votre téléphone.
verify-demo-badge = DÉMO
verify-demo-notice = Ce document est un document de démonstration, créé pour essayer le service. Il n'atteste rien sur personne.
