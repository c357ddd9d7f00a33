"""Who opens the leaders' cockpit."""

from __future__ import annotations

import rules

from minsheng.core.permissions import oversees_a_region
from minsheng.plans.permissions import oversees_plan

# The leaders' cockpit shows the same figures as the progress overview, to the same people.
rules.add_perm("cockpit.view_cockpit", oversees_plan)
rules.add_perm("cockpit.open_cockpit", oversees_a_region)
