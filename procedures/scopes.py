"""What a staff member may do with the catalogue in the back-office, as the officers app says.

The catalogue knows no officer: the officers app registers, in its `AppConfig.ready`, the function
that reads a user's scope from their role and agencies (`officers.selectors.catalogue_scope`).
Without it, only a superuser manages the catalogue.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from procedures.models import Agency, Procedure

NOTHING = Q(pk__in=[])


@dataclass(frozen=True)
class CatalogueScope:
    """A user's part of the catalogue.

    - `everything`: a superuser; the rest is ignored.
    - `tree`: the agencies whose place in the tree (code, name, tier, parent, active) the user
      edits, and among which they move units: the provinces they administer, whole.
    - `roots`: the province agencies themselves, whose code, tier, parent and state stay the
      superuser's (a province is not moved or renamed from inside it).
    - `contacts`: the agencies whose contact details, office hours and slip headings the user
      edits: `tree`, and the agencies of a ward's (or a department's) administrator.
    """

    everything: bool = False
    tree: Q = NOTHING
    roots: frozenset[int] = frozenset()
    contacts: Q = NOTHING

    def agencies(self) -> QuerySet[Agency]:
        """The agencies the user sees in the catalogue's back-office."""
        agencies = Agency.objects.all()
        return agencies if self.everything else agencies.filter(self.contacts | self.tree)

    def tree_agencies(self) -> QuerySet[Agency]:
        agencies = Agency.objects.all()
        return agencies if self.everything else agencies.filter(self.tree)

    def in_tree(self, agency: Agency) -> bool:
        return self.everything or self.tree_agencies().filter(pk=agency.pk).exists()

    def manages_tree(self) -> bool:
        return self.everything or bool(self.roots)

    def procedures(self) -> QuerySet[Procedure]:
        """The procedures the user edits: every agency receiving or resolving them inside
        `tree`. A procedure without a receiving agency, or shared with an agency outside (another
        province: a national procedure), is the superuser's."""
        procedures = Procedure.objects.all()
        if self.everything:
            return procedures
        if not self.manages_tree():
            return procedures.none()
        outside = Agency.objects.exclude(self.tree).values("pk")
        inside = self.tree_agencies().values("pk")
        return procedures.filter(
            pk__in=Procedure.objects.filter(receiving_agencies__in=inside).values("pk")
        ).exclude(
            Q(pk__in=Procedure.objects.filter(receiving_agencies__in=outside).values("pk"))
            | Q(pk__in=Procedure.objects.filter(resolving_agencies__in=outside).values("pk"))
        )


Resolver = Callable[[object], CatalogueScope]
_resolver: list[Resolver] = []


def register(resolver: Resolver) -> None:
    """Register `resolver(user)`, which returns the user's `CatalogueScope`."""
    _resolver[:] = [resolver]


def catalogue_scope(user) -> CatalogueScope:
    """Return what `user` may do with the catalogue (kept on the user for the request)."""
    if not user.is_authenticated or not user.is_active or not user.is_staff:
        return CatalogueScope()
    if user.is_superuser:
        return CatalogueScope(everything=True)
    if not _resolver:
        return CatalogueScope()
    if not hasattr(user, "_catalogue_scope"):
        user._catalogue_scope = _resolver[0](user)
    return user._catalogue_scope
