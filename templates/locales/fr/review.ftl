# Organisateurs : la file d'un programme, une candidature, les décisions.

queue-any = Tous
queue-status = Statut
queue-country = Pays (nationalité ou résidence)
queue-export = Télécharger cette liste (CSV, avec les adresses électroniques)
export-certificate-name = Nom sur les certificats
export-email = Adresse électronique
export-residence = Pays de résidence
export-scored-by = Notée par
queue-min-score = Note minimale (de 1 à 5)
queue-min-score-invalid = Saisissez une note de 1 à 5, par exemple 3,5
queue-documents = Documents
queue-documents-complete = Complets
queue-documents-missing = Incomplets
queue-filter = Filtrer
queue-count = { $shown ->
    [one] { $shown } candidature
    *[other] { $shown } candidatures
  } sur { $total }
queue-name = Nom
queue-submitted = Envoyée le
queue-score = Note
queue-reviewers = Évaluateurs
queue-select = Sélectionner
queue-seats = { $capacity } places : { $held } proposées ou prises, { $waitlisted } en liste d'attente
queue-blind = Évaluation à l'aveugle : noms, nationalités, établissements et coordonnées sont masqués pour les évaluateurs.
queue-bulk = Décider pour les candidatures sélectionnées
queue-bulk-hint = Les offres reprennent le tarif du catalogue et le délai habituel du programme ; quand il n'y a plus de places, les autres restent en l'état.
queue-bulk-apply = Appliquer aux candidatures sélectionnées
queue-bulk-none-selected = Cochez au moins une candidature
queue-bulk-no-decision = Choisissez la décision à appliquer
queue-bulk-done = { $count ->
    [0] Aucune candidature traitée.
    [one] Une candidature traitée.
   *[other] { $count } candidatures traitées.
}
blind-hidden = Masqué (évaluation à l'aveugle)

review-title = { $name } ({ $reference })
review-title-blind = Candidature { $reference }
review-waitlist-position = Rang sur la liste d'attente
review-offer-label = Offre
review-offer = { $amount } avant le { $deadline } (heure de Paris), { $status }. { $explanation }
review-scores = Notes
review-criterion = Critère
review-score-hint = Notez chaque critère de 1 (faible) à 5 (excellent).
review-score-invalid = Notez « { $criterion } » avec un nombre entier de 1 à 5
review-save-scores = Enregistrer mes notes
review-conflicted = Vous avez déclaré un conflit d'intérêts : vous ne pouvez pas noter cette candidature.
review-conflict-declare = Déclarer un conflit d'intérêts
review-conflict-lift = Retirer mon conflit d'intérêts
review-conflict-tag = conflit d'intérêts
review-comments = Commentaires
review-comment-label = Ajouter un commentaire (visible des organisateurs seulement)
review-comment-missing = Écrivez votre commentaire
review-comment-invalid = Écrivez un commentaire de 5 000 caractères au plus
review-add-comment = Ajouter le commentaire
review-assign-label = Évaluateur
review-assign = Affecter
review-unassign = Retirer
review-done-scored = Vos notes sont enregistrées.
review-done-commented = Votre commentaire est ajouté.
review-done-assigned = L'évaluateur est affecté.
review-done-unassigned = L'évaluateur est retiré.
review-done-nobody = Choisissez un évaluateur de ce programme.
review-done-conflict = Votre conflit d'intérêts est enregistré ; vos notes ont été retirées.
review-done-no-conflict = Votre conflit d'intérêts est retiré.
review-done-offered = Une place est proposée : le candidat a reçu un courriel.
review-done-enrolled = Les frais sont pris en charge : le candidat est inscrit et a reçu un courriel.
review-done-waitlisted = La candidature est en liste d'attente : le candidat a reçu un courriel.
review-done-rejected = La candidature est refusée : le candidat a reçu un courriel.
review-done-nothing = Rien n'a été modifié.
review-done-extended = Le délai est prolongé : le candidat a reçu un courriel.

decision-title = Décision
decision-accept = Proposer une place
decision-waitlist = Mettre en liste d'attente
decision-reject = Refuser
decision-reject-reason = Motif communiqué au candidat
decision-tier = Tarif
decision-adjustment = Ajustement
decision-adjustment-none = Aucun : le tarif affiché
decision-adjustment-waiver = Réduire les frais d'un montant
decision-adjustment-full = Exonérer de tous les frais (inscription immédiate)
decision-adjustment-set = Fixer le prix
decision-amount = Montant en euros
decision-amount-hint = Pour une réduction ou un prix fixé, par exemple 500 ou 1250,50
decision-amount-invalid = Saisissez le montant en euros, par exemple 500 ou 1250,50
decision-reason = Motif de l'ajustement (communiqué au candidat)
decision-deadline = Dernier jour pour payer
decision-deadline-hint = L'offre prend fin à minuit, heure de Paris, ce jour-là.
decision-deadline-invalid = Saisissez un dernier jour de paiement à partir d'aujourd'hui
decision-reason-missing = Choisissez le motif communiqué au candidat
decision-full = Il ne reste plus de place : mettez la candidature en liste d'attente, ou libérez d'abord une place
decision-state = Cette décision ne s'applique pas à la candidature dans son état actuel
decision-price-invalid = Vérifiez l'ajustement : il faut un motif, et il ne peut pas dépasser les frais
decision-extend-title = Donner plus de temps pour payer
decision-extend = Prolonger le délai
decision-extend-invalid = Saisissez un jour postérieur au délai actuel

reject-label-program_full = Places attribuées à des profils plus proches
reject-label-profile = Profil ne correspondant pas au programme
reject-label-incomplete = Candidature incomplète
reject-label-language = Niveau d'anglais insuffisant
reject-label-other = Autre
