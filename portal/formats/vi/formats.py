# Django's Vietnamese formats, with the thousands grouping Vietnamese writing uses: 200.000 đồng.
from django.conf.locale.vi.formats import *  # noqa: F403

NUMBER_GROUPING = 3
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "H:i d/m/Y"
