"""Every write of the intake wizard and every dossier status change goes through here.

Split by sub-area, as Zulip's zerver/actions/ is: `intake` (drafts and the submission),
`desk` (the one-stop desk's actions), `approval` (the proposal to the leader, approval, sending
back, recall), `fees` (the fee asked for, paid online or at the desk), `resolution` (stop and
end, result, deadlines, withdrawal), `delivery` (the result sent by post and what became of
it), `maintenance` (periodic upkeep); `common` holds what every action shares. Callers import the
public names from here. Every workflow action returns the DossierEvent it appended.
"""

from dossiers.services.approval import (
    dossier_approve,
    dossier_propose,
    dossier_recall,
    dossier_send_back,
)
from dossiers.services.delivery import (
    dossier_issue_result,
    dossier_record_postal_outcome,
    dossier_revoke_result,
)
from dossiers.services.desk import (
    dossier_accept,
    dossier_assign,
    dossier_forward,
    dossier_forward_agency,
    dossier_note_add,
    dossier_receive_supplement,
    dossier_refuse,
    dossier_request_supplement,
    dossier_return_previous,
)
from dossiers.services.fees import (
    dossier_confirm_fee,
    dossier_fee_paid,
    dossier_fee_payment_start,
    dossier_request_fee,
    dossiers_resume_paid,
)
from dossiers.services.intake import (
    dossier_submit,
    draft_add_files,
    draft_problems,
    draft_remove_file,
    draft_save_contact,
    draft_save_declaration,
    draft_set_agency,
    draft_start,
)
from dossiers.services.maintenance import drafts_purge_expired, procedures_refresh_usage
from dossiers.services.resolution import (
    dossier_apologize,
    dossier_end,
    dossier_reset_deadline,
    dossier_resolve,
    dossier_return_result,
    dossier_stop,
    dossier_withdraw,
)
from dossiers.services.walk_in import PaperDocument, dossier_receive_paper

__all__ = [
    "dossier_accept",
    "dossier_apologize",
    "dossier_approve",
    "dossier_assign",
    "dossier_confirm_fee",
    "dossier_end",
    "dossier_fee_paid",
    "dossiers_resume_paid",
    "dossier_fee_payment_start",
    "dossier_forward",
    "dossier_forward_agency",
    "dossier_note_add",
    "dossier_issue_result",
    "dossier_receive_paper",
    "dossier_record_postal_outcome",
    "dossier_propose",
    "dossier_recall",
    "dossier_receive_supplement",
    "dossier_refuse",
    "dossier_request_fee",
    "dossier_request_supplement",
    "dossier_reset_deadline",
    "dossier_resolve",
    "dossier_return_previous",
    "dossier_return_result",
    "dossier_revoke_result",
    "dossier_send_back",
    "dossier_stop",
    "dossier_submit",
    "dossier_withdraw",
    "PaperDocument",
    "draft_add_files",
    "draft_problems",
    "draft_remove_file",
    "draft_save_contact",
    "draft_save_declaration",
    "draft_set_agency",
    "draft_start",
    "drafts_purge_expired",
    "procedures_refresh_usage",
]
