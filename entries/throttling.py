"""Login throttling with django-axes, and the second limit it cannot express by itself.

Axes counts failed logins per username and address: 5 within 15 minutes lock that pair out
(settings: AXES_FAILURE_LIMIT, AXES_LOCKOUT_PARAMETERS), and other usernames from the same
address still log in. Axes applies one limit to every parameter set, so a password sprayer,
who tries a few passwords on many usernames, never reaches it. This handler adds a second
limit, counted from the same AccessAttempt rows: SPRAY_LIMIT failures from one address
within the cool-off, whatever the usernames, refuse every login from it (429) until the
cool-off ends. It is axes' own handler API (AXES_HANDLER), so /login and /admin/login/ both
obey it.
"""

import logging

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.db.models import Sum
from django.utils import timezone

SPRAY_LIMIT = 30

logger = logging.getLogger(__name__)


class AxesHandler(AxesDatabaseHandler):
    def is_locked(self, request, credentials=None):
        return super().is_locked(request, credentials) or self.is_spraying(request)

    def is_spraying(self, request):
        address = request.axes_ip_address
        since = timezone.now() - get_cool_off(request)
        failures = AccessAttempt.objects.filter(
            ip_address=address, attempt_time__gte=since
        ).aggregate(failures=Sum("failures_since_start"))["failures"]
        if (failures or 0) < SPRAY_LIMIT:
            return False
        # The words are for the operator; the tests check the warning and its address.
        logger.warning(
            "Login refused for address %s: %s failed logins from it.",  # pragma: no mutate
            address,
            failures,
        )
        # Axes turns a refused login into its 429 page only when this flag is set; its own
        # limit sets it when it records a failure, which this limit does not wait for.
        request.axes_locked_out = True
        return True
