"""The dossiers' tables, by sub-area: drafts (the wizard), the dossier, its history, and the
result's delivery beyond the counter. Callers import from here."""

from dossiers.models.delivery import IssuedResult, PostalItem
from dossiers.models.dossier import Dossier, DossierDocument, DossierSequence
from dossiers.models.drafts import Draft, DraftFile, upload_path
from dossiers.models.history import DossierEvent, DossierNote, Proposal, SupplementRequest

__all__ = [
    "Dossier",
    "DossierDocument",
    "DossierEvent",
    "DossierNote",
    "DossierSequence",
    "Draft",
    "DraftFile",
    "IssuedResult",
    "PostalItem",
    "Proposal",
    "SupplementRequest",
    "upload_path",
]
