# Décisions, offres et échéances : les courriels que reçoivent les candidats.

notice-offer-subject = Une place pour vous : { $program }
notice-offer-body = Bonne nouvelle : une place vous est proposée dans le programme { $program }.
notice-offer-fee = Vos frais : { $explanation }.
notice-offer-pay = Merci de régler { $amount } avant le { $deadline } (heure de Paris), avec la référence { $reference }. Sans paiement à cette date, la place sera proposée à la personne suivante sur la liste d'attente.
notice-offer-decline = Si vous ne pouvez pas venir, merci de décliner l'offre depuis la page de votre candidature, afin que quelqu'un d'autre puisse avoir la place.
notice-enrolled-subject = Vous êtes inscrit(e) : { $program }
notice-enrolled-body = Votre place dans le programme { $program } est confirmée.
notice-enrolled-waiver = Vos frais ont été pris en charge ({ $reason }) : vous n'avez rien à payer.
notice-enrolled-calendar = Votre école d'été. Questions : { $contact }
notice-enrolled-paid = Nous avons bien reçu votre paiement de { $amount } (référence { $reference }). Merci.
notice-waitlisted-subject = Sur liste d'attente : { $program }
notice-waitlisted-body = Toutes les places du programme { $program } sont prises pour le moment. Vous êtes numéro { $position } sur la liste d'attente.
notice-waitlisted-next = Si une place se libère, nous vous la proposerons par courriel, avec une date limite de paiement. Votre position est visible à tout moment sur la page de votre candidature.
notice-rejected-subject = Votre candidature au programme { $program }
notice-rejected-body = Nous sommes désolés : nous ne pouvons pas vous proposer de place dans le programme { $program }.
notice-rejected-thanks = Merci de l'intérêt que vous portez à nos écoles d'été. Pour toute question, écrivez à { $contact }.
notice-reminder-subject = { $days ->
    [one] Plus qu'un jour pour payer : { $program }
   *[other] Plus que { $days } jours pour payer : { $program }
}
notice-reminder-body = Votre place dans le programme { $program } vous est réservée jusqu'au { $deadline } (heure de Paris).
notice-expired-subject = Votre offre a expiré : { $program }
notice-expired-body = La date limite de paiement de votre place dans le programme { $program } est passée le { $deadline } sans paiement : la place a été proposée à la personne suivante sur la liste d'attente. Si vous pensez qu'il s'agit d'une erreur, écrivez à { $contact }.
notice-cancelled-subject = Votre inscription est annulée : { $program }
notice-cancelled-body = Votre inscription au programme { $program } a été annulée. Motif indiqué : { $reason }
notice-cancelled-money = Si une partie des frais vous est remboursée, un autre courriel vous apportera l'avoir une fois le remboursement effectué. Pour toute question, écrivez à { $contact }.
application-cancelled-reason = Votre inscription a été annulée. Motif indiqué : { $reason }
notice-extended-subject = Nouvelle date limite de paiement : { $program }
notice-extended-body = Les organisateurs vous donnent jusqu'au { $deadline } (heure de Paris) pour régler votre place dans le programme { $program }.

reject-reason-program_full = Toutes les places ont été attribuées aux candidats dont le profil correspondait le mieux au programme.
reject-reason-profile = Vos études et votre expérience ne correspondent pas à ce que demande ce programme.
reject-reason-incomplete = Il manquait à votre candidature des documents ou des réponses nécessaires pour l'évaluer.
reject-reason-language = Le programme est entièrement enseigné en anglais, et votre candidature ne montre pas le niveau requis.
reject-reason-other = Les organisateurs n'ont pas pu retenir votre candidature cette année.

# La page du candidat.
application-next-accepted = Une place vous est proposée. Merci de régler { $amount } avant le { $deadline } (heure de Paris), avec la référence { $reference }. Sans paiement à cette date, la place sera proposée à la personne suivante sur la liste d'attente.
application-offer-fee = Calcul de vos frais : { $explanation }.
application-next-enrolled = Votre place est confirmée. Nous vous enverrons par courriel tout ce qu'il faut savoir avant le début de l'école.
application-next-completed = Vous avez validé l'école : vos certificats sont ci-dessous, et tous sont sur la page Vos certificats.
application-next-expired = La date limite de paiement ({ $deadline }, heure de Paris) est passée sans paiement : la place a été proposée à la personne suivante sur la liste d'attente.
application-next-waitlisted = { $position ->
    [one] Vous êtes premier sur la liste d'attente. Si une place se libère, nous vous enverrons une offre par courriel, avec une date limite de paiement.
   *[other] Vous êtes numéro { $position } sur la liste d'attente. Si une place se libère, nous vous enverrons une offre par courriel, avec une date limite de paiement.
}
application-next-rejected = Nous sommes désolés : nous n'avons pas pu vous proposer de place.
application-decline = Décliner l'offre
application-decline-hint = Si vous ne pouvez pas venir, déclinez l'offre : votre place ira aussitôt à la personne suivante sur la liste d'attente. Ce choix est définitif.
timeline-application-accepted = Une place a été proposée
timeline-application-waitlisted = Inscription sur la liste d'attente
timeline-application-rejected = Candidature non retenue
timeline-application-expired = L'offre a expiré sans paiement
timeline-offer-deadline-extended = La date limite de paiement a été repoussée
# The kind of a document in the cohort grid, before its serial.
cohort-kind-success = Attestation de réussite
cohort-kind-afgsu = AFGSU 2
