"""Who an officer is and what they may see."""

from django.db.models import Q, QuerySet

from officers.constants import Role
from procedures.constants import AgencyTier
from procedures.models import Agency
from procedures.scopes import CatalogueScope


def user_roles(user) -> set[str]:
    """Return the officer roles of `user` (every role for a superuser)."""
    if not user.is_authenticated or not user.is_active:
        return set()
    if user.is_superuser:
        return set(Role.values)
    if not hasattr(user, "_officer_roles"):
        names = {role.label: role.value for role in Role}
        user._officer_roles = {
            names[name] for name in user.groups.values_list("name", flat=True) if name in names
        }
    return user._officer_roles


def agency_scope(user) -> Q | None:
    """Return a filter on agencies the user may see, or None for no limit (superusers).

    An officer sees their agencies and every unit below them in the tree.
    """
    if user.is_superuser:
        return None
    condition = Q(pk__in=[])
    for row in user_agencies(user):
        condition |= Q(path__startswith=row["path"])
    return condition


def user_agencies(user) -> list[dict]:
    """Return the agencies `user` is attached to (pk, path, tier, province), read once per
    request: the scopes of the dossiers, the catalogue and the calendar all start here."""
    if not hasattr(user, "_agency_rows"):
        user._agency_rows = list(
            Agency.objects.filter(officers__user=user).values("pk", "path", "tier", "province")
        )
    return user._agency_rows


def agencies_visible(user) -> QuerySet[Agency]:
    scope = agency_scope(user)
    agencies = Agency.objects.all()
    return agencies if scope is None else agencies.filter(scope)


def catalogue_scope(user) -> CatalogueScope:
    """Return what `user` may do with the catalogue (registered in `procedures.scopes`).

    An administrator attached to a province agency manages that province's tree and the
    procedures only its agencies receive and resolve; an administrator of a ward or a department
    edits only the contact details and office hours of their agencies and the units below them.
    Other roles manage nothing of the catalogue.
    """
    if user.is_superuser:
        return CatalogueScope(everything=True)
    if Role.ADMINISTRATOR not in user_roles(user):
        return CatalogueScope()
    provinces = [row for row in user_agencies(user) if row["tier"] == AgencyTier.PROVINCE]
    tree = Q(pk__in=[])
    for row in provinces:
        tree |= Q(path__startswith=row["path"])
    return CatalogueScope(
        tree=tree,
        roots=frozenset(row["pk"] for row in provinces),
        contacts=agency_scope(user),
    )


def can_access(user, dossier) -> bool:
    """Whether `user` may see `dossier`: its receiving agency is in their scope, or the agency
    resolving it (liên thông)."""
    return has_agency(user, dossier.receiving_agency_id) or (
        dossier.resolving_agency_id is not None and has_agency(user, dossier.resolving_agency_id)
    )


def has_agency(user, agency_id: int) -> bool:
    """Whether the agency `agency_id` is in `user`'s scope."""
    if not user.is_authenticated or not user.is_active:
        return False
    scope = agency_scope(user)
    if scope is None:
        return True
    return Agency.objects.filter(scope, pk=agency_id).exists()


def departments_of(agency: Agency) -> QuerySet[Agency]:
    """Return the departments inside `agency` (its children of the department tier)."""
    return Agency.objects.filter(parent=agency, tier=AgencyTier.DEPARTMENT, is_active=True)


def officers_of(agency: Agency):
    """Return the users working in `agency` (as a department or an agency)."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(Q(officer__department=agency) | Q(officer__agencies=agency), is_active=True)
        .distinct()
    )


def agencies_above(agency: Agency) -> QuerySet[Agency]:
    """Return `agency` and every agency above it: whose officers have it in their scope."""
    return Agency.objects.filter(code__in=[code for code in agency.path.split("/") if code])


def leader_of(agency: Agency):
    """Return the leader who signs for `agency` (the first officer with the leader role attached
    to it, by account age), or None."""
    return (
        officers_of(agency)
        .filter(groups__name=str(Role.LEADER.label))
        .select_related("officer")
        .order_by("pk")
        .first()
    )


def leaders_above(agency: Agency):
    """Return the active leaders who have `agency` in their scope: who may approve its results."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(
            officer__agencies__in=agencies_above(agency),
            groups__name=str(Role.LEADER.label),
            is_active=True,
        )
        .distinct()
    )
