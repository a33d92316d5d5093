"""The dossier list's filters by queue and agency, and its paginator with a kept total."""

from django.contrib import admin
from django.core.cache import cache
from django.core.paginator import Paginator
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy

from dossiers import selectors
from officers.selectors import agencies_visible
from procedures.constants import AgencyTier

# Query parameters that change neither which dossiers a list shows nor how many.
NOT_COUNTED = {"p", "o"}


class CachedCountPaginator(Paginator):
    """Pages whose total is kept like the queue counts: counting the rows of a queue or of the
    whole list costs more SQL than reading the page itself."""

    def __init__(self, *args, count_key: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_key = count_key

    @cached_property
    def count(self):
        return cache.get_or_set(self.count_key, self.object_list.count, selectors.COUNTS_SECONDS)


class QueueFilter(admin.SimpleListFilter):
    title = gettext_lazy("hàng đợi")
    parameter_name = "hang_doi"

    def lookups(self, request, model_admin):
        return [(queue.slug, queue.label) for queue in selectors.QUEUES]

    def queryset(self, request, queryset):
        if self.value() not in selectors.QUEUES_BY_SLUG:
            return queryset
        return queryset.filter(
            selectors.queue_condition(self.value(), user=request.user, now=timezone.now())
        )


class ScopedAgencyFilter(admin.SimpleListFilter):
    title = gettext_lazy("cơ quan tiếp nhận")
    parameter_name = "co_quan"

    def lookups(self, request, model_admin):
        agencies = agencies_visible(request.user).exclude(tier=AgencyTier.DEPARTMENT)
        return [(agency.code, agency.name) for agency in agencies.order_by("name")[:200]]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(receiving_agency__code=self.value())
        return queryset
