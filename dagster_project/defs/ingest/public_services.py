"""The public-services family's landed tables: portal dossier counts and feedback items."""

FAMILY = "public_services"

DESCRIPTIONS = {
    "public_service": "National public-service portal rows: one per ministry or province per "
                      "month (dossiers received and online, and each rate's numerator and "
                      "base: digitised, data reused, electronic results, paid online).",
    "feedback_item": "Feedback-system items (pakn.dcs.vn): one per item per export, with the "
                     "body handling it, its status and the date it was handled.",
}
