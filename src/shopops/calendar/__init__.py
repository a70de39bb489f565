"""The domain calendar, on the ground floor: every layer above may use it, it uses none of them.

- :mod:`~shopops.calendar.period`: :class:`Period` and the one parser of period texts
  (``2026-W43``, ``2026-10``, ``FY2026-Q1``, ``2026-10-01..2026-10-31`` …).
- :mod:`~shopops.calendar.grains`: which day, week, month, quarter or fiscal period a day belongs to,
  in Python and as an Ibis expression.
- :mod:`~shopops.calendar.fiscal`: fiscal years as halves, quarters, months, weeks (4-4-5 patterns).
- :mod:`~shopops.calendar.festivals`: shopping festivals (双11, 618, 七夕 …), official days off and
  make-up workdays, the project's own campaigns.
"""

from __future__ import annotations

from shopops.calendar.fiscal import FiscalCalendar, Span
from shopops.calendar.period import Period, parse_day, parse_period

__all__ = ["FiscalCalendar", "Period", "Span", "parse_day", "parse_period"]
