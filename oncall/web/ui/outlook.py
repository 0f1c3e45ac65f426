"""A rotation's outlook: who is on call now and until when, the next hand-offs, the gaps."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from oncall.services import rotations
from oncall.web.dbsession import get_session

HORIZON = timedelta(days=14)


@dataclass(frozen=True)
class Outlook:
    rotation_id: int
    now: datetime
    until: datetime
    current: object  # the final-schedule shift in progress (user_id None: nobody)
    upcoming: list  # the next shifts with somebody, at most ``handoffs``
    gaps: list  # the stretches with nobody in [now, until)

    @property
    def current_open_ended(self) -> bool:
        """The current shift runs past the horizon: "until at least …"."""
        return self.current.end >= self.until


def outlook(rotation_id: int, now: datetime, horizon: timedelta = HORIZON, handoffs: int = 3) -> Outlook:
    until = now + horizon
    shifts = rotations.shifts(session=get_session(), rotation_id=rotation_id, start=now, end=until)
    upcoming = [s for s in shifts[1:] if s.user_id is not None][:handoffs]
    return Outlook(rotation_id, now, until, shifts[0], upcoming, [s for s in shifts if s.user_id is None])
