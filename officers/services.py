"""Set up the officer roles as Django groups with their permissions."""

from django.contrib.auth.models import Group, Permission

from officers.constants import Role

# Every officer reads dossiers; the administrator also edits the catalogue and the accounts, each
# admin narrowing these to the administrator's scope (procedures.scopes, officers/admin.py).
# The fees paid online for those dossiers (payments.admin) come with them.
READ_DOSSIERS = [
    "dossiers.view_dossier",
    "notifications.view_message",
    "payments.view_paymentorder",
]
# Recording a refund (payments.admin): the desk, which collects the fees, and the administrator.
REFUNDS = ["payments.change_paymentorder"]
CATALOGUE = [
    f"procedures.{verb}_{model}"
    for model in ["agency", "field", "procedure", "feerule", "requireddocument", "formfield"]
    for verb in ["add", "change", "delete", "view"]
]
ACCOUNTS = [f"auth.{verb}_user" for verb in ["add", "change", "view"]] + [
    f"officers.{verb}_officer" for verb in ["add", "change", "view"]
]
# The province's corrections to the national holiday calendar (calendars.admin). Every
# administrator holds them; calendars.admin narrows them by scope: an administrator of a province
# agency edits its calendar, one of a ward or a department below it only reads it (the calendar
# sets every deadline in the province, and a holiday is the province's decision, not a ward's).
CALENDAR = [f"calendars.{verb}_calendarday" for verb in ["add", "change", "delete", "view"]]
# The access log of personal data (audit.admin, Nghị định 13/2023/NĐ-CP), read within the
# agency scope: the administrator, who answers for the accounts, and the leader, who answers for
# the agency's handling of the data and already sees every dossier of it. The desk and the
# specialists do not read who else opened a dossier.
ACCESS_LOG = ["audit.view_accessrecord"]
PERMISSIONS = {
    Role.RECEIVING: READ_DOSSIERS + REFUNDS,
    Role.SPECIALIST: READ_DOSSIERS,
    Role.LEADER: READ_DOSSIERS + ACCESS_LOG,
    Role.ADMINISTRATOR: READ_DOSSIERS
    + CATALOGUE
    + ACCOUNTS
    + CALENDAR
    + ACCESS_LOG
    + REFUNDS
    + ["notifications.change_message"],
}


def roles_ensure(**kwargs) -> None:
    """Create or update one group per role (post_migrate: idempotent)."""
    for role, codes in PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=str(role.label))
        wanted = []
        for code in codes:
            app_label, codename = code.split(".")
            permission = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission is not None:
                wanted.append(permission)
        if set(group.permissions.all()) != set(wanted):
            group.permissions.set(wanted)
