"""Rotations: layers of members taking turns on a grid of shifts (DESIGN §3).

Shift k of a version starts at hand-off + k × length: hour shifts are absolute durations
counted from the hand-off's UTC instant; day and week shifts are wall-clock arithmetic in
the rotation's zone, so they keep the hand-off's wall time across DST. The shift in progress
at an instant is found arithmetically, never by walking shifts from the hand-off, so the
cost of a question does not grow with the age of a rotation.
"""
from bisect import bisect_right
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, tzinfo

from oncall.schedule.overrides import Override, override_at, override_steps
from oncall.schedule.timeline import Steps, add_step, merge
from oncall.schedule.wall import UTC, as_utc, to_utc, to_wall, zone
from oncall.schedule.windows import WeeklyWindow, in_windows, window_changes

SHIFT_UNITS = ("hours", "days", "weeks")
_SINCE_FOREVER = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True)
class LayerVersion:
    """One configuration of a layer, in force from ``effective_from`` (aware; None: since
    forever) until the next version's. ``handoff`` is the naive wall time, in the rotation's
    zone, at which shift 0 starts (``fold=1`` picks the later of a repeated hour for hour
    shifts; only :func:`continue_version` produces it). Shift k belongs to
    ``members[(k + member_offset) % len(members)]``."""

    effective_from: datetime | None
    handoff: datetime
    shift_unit: str
    shift_count: int
    members: tuple[int, ...]
    member_offset: int = 0
    restrictions: tuple[WeeklyWindow, ...] = ()

    def __post_init__(self):
        object.__setattr__(self, "members", tuple(self.members))
        object.__setattr__(self, "restrictions", tuple(self.restrictions))
        if self.effective_from is not None:
            object.__setattr__(self, "effective_from", as_utc(self.effective_from, "effective_from"))
        if self.shift_unit not in SHIFT_UNITS:
            raise ValueError(f"shift unit must be one of {', '.join(SHIFT_UNITS)}, got {self.shift_unit!r}")
        if not isinstance(self.shift_count, int) or isinstance(self.shift_count, bool) or self.shift_count < 1:
            raise ValueError(f"shift count must be a positive whole number, got {self.shift_count!r}")
        if not self.members:
            raise ValueError("a layer needs at least one member")
        if not isinstance(self.handoff, datetime) or self.handoff.tzinfo is not None:
            raise ValueError("the hand-off is a wall time in the rotation's timezone, without an offset")

    @property
    def shift_length(self) -> timedelta:
        return timedelta(**{self.shift_unit: self.shift_count})

    def member(self, k: int) -> int:
        return self.members[(k + self.member_offset) % len(self.members)]


@dataclass(frozen=True)
class Layer:
    """``versions`` sorted by ``effective_from``; only the first may be in force since forever."""

    name: str
    versions: tuple[LayerVersion, ...]
    _starts: tuple[datetime, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "versions", tuple(self.versions))
        starts = tuple(v.effective_from or _SINCE_FOREVER for v in self.versions)
        if not starts:
            raise ValueError(f"layer {self.name!r} has no versions")
        if any(v.effective_from is None for v in self.versions[1:]) or any(a >= b for a, b in zip(starts, starts[1:])):
            raise ValueError(f"layer {self.name!r}: versions must be in increasing effective_from order")
        object.__setattr__(self, "_starts", starts)

    def version_at(self, at: datetime) -> LayerVersion | None:
        """The version in force at UTC instant ``at``; None before the first one."""
        i = bisect_right(self._starts, at)
        return self.versions[i - 1] if i else None

    def spans(self, start: datetime, end: datetime) -> list[tuple[LayerVersion, datetime, datetime]]:
        """(version, from, until) for the versions in force during [start, end), clipped to it."""
        bounds = self._starts[1:] + (end,)
        first = max(bisect_right(self._starts, start) - 1, 0)
        return [(v, max(start, v_from), min(end, v_until))
                for v, v_from, v_until in zip(self.versions[first:], self._starts[first:], bounds[first:])
                if max(start, v_from) < min(end, v_until)]


@dataclass(frozen=True)
class Rotation:
    """``layers`` bottom to top: at an instant the topmost layer with somebody wins."""

    timezone: str
    layers: tuple[Layer, ...]

    def __post_init__(self):
        zone(self.timezone)  # refuse an unknown zone at construction
        object.__setattr__(self, "layers", tuple(self.layers))


@dataclass(frozen=True)
class Shift:
    """[start, end) in UTC; ``source`` is "layer:<name>", "override", or "none" for a gap."""

    start: datetime
    end: datetime
    user_id: int | None
    source: str


def shift_start_at(version: LayerVersion, tz: tzinfo, k: int) -> datetime:
    """UTC start of shift k of ``version``'s grid (k may be negative)."""
    if version.shift_unit == "hours":
        return to_utc(version.handoff, tz) + k * version.shift_length
    return to_utc(version.handoff + k * version.shift_length, tz)


def shift_index(version: LayerVersion, tz: str | tzinfo, at: datetime) -> int | None:
    """The index of the shift in progress at ``at`` in ``version``'s grid (its
    ``effective_from`` aside); None before the first hand-off.

    Hours: floor division of the elapsed time. Days and weeks: divide the wall-clock
    difference, then correct by comparing instants; offsets differ by hours and shifts last
    days, so the correction is a step or two whatever the rotation's age.
    """
    tz, at = zone(tz), as_utc(at)
    first, length = shift_start_at(version, tz, 0), version.shift_length
    if at < first:
        return None
    if version.shift_unit == "hours":
        return (at - first) // length
    k = max((to_wall(at, tz) - version.handoff) // length, 0)
    while shift_start_at(version, tz, k + 1) <= at:
        k += 1
    while shift_start_at(version, tz, k) > at:
        k -= 1
    return k


def shift_start(version: LayerVersion, tz: str | tzinfo, at: datetime) -> datetime | None:
    """UTC start of the shift in progress at ``at``; None before the first hand-off."""
    k = shift_index(version, tz, at)
    return None if k is None else shift_start_at(version, zone(tz), k)


def next_handoff(version: LayerVersion, tz: str | tzinfo, at: datetime) -> datetime:
    """UTC start of the first shift after ``at`` (the first hand-off, if none has begun)."""
    k = shift_index(version, tz, at)
    return shift_start_at(version, zone(tz), 0 if k is None else k + 1)


def layer_user(layer: Layer, tz: tzinfo, at: datetime) -> int | None:
    """Who ``layer`` puts on call at UTC instant ``at``; None: nobody."""
    version = layer.version_at(at)
    if version is None or (version.restrictions and not in_windows(version.restrictions, to_wall(at, tz))):
        return None
    k = shift_index(version, tz, at)
    return None if k is None else version.member(k)


def on_call(rotation: Rotation, overrides: tuple[Override, ...], at: datetime) -> list[int]:
    """Who is on call at ``at``: [] for a gap, else one user id (a list for the API)."""
    at = as_utc(at, "at")
    override = override_at(overrides, at)
    if override is not None:
        return [override.user_id]
    tz = zone(rotation.timezone)
    for layer in reversed(rotation.layers):
        user = layer_user(layer, tz, at)
        if user is not None:
            return [user]
    return []


def shifts(rotation: Rotation, overrides: tuple[Override, ...], start: datetime, end: datetime) -> list[Shift]:
    """Consecutive shifts exactly partitioning [start, end), gaps included (user None, source
    "none"); neighbours with the same user and source are one shift. Costs the number of
    shifts, restriction edges and overrides in the window, not the rotation's age."""
    start, end = as_utc(start, "start"), as_utc(end, "end")
    if end < start:
        raise ValueError("end must not be before start")
    if end == start:
        return []
    tz = zone(rotation.timezone)
    top_first = rotation.layers[::-1]
    sources = ("override",) + tuple(f"layer:{layer.name}" for layer in top_first)
    tracks = [override_steps(overrides, start, end)] + [_layer_steps(layer, tz, start, end) for layer in top_first]
    steps: Steps = []
    for at, users in merge(*tracks):
        add_step(steps, at, next(((u, s) for u, s in zip(users, sources) if u is not None), (None, "none")))
    ends = [at for at, _ in steps[1:]] + [end]
    return [Shift(at, until, user, source) for (at, (user, source)), until in zip(steps, ends)]


def gaps(rotation: Rotation, overrides: tuple[Override, ...], start: datetime,
         end: datetime) -> list[tuple[datetime, datetime]]:
    """The stretches of [start, end) with nobody on call."""
    return [(s.start, s.end) for s in shifts(rotation, overrides, start, end) if s.user_id is None]


def _layer_steps(layer: Layer, tz: tzinfo, start: datetime, end: datetime) -> Steps:
    """Who ``layer`` puts on call across [start, end) (None: nobody)."""
    steps: Steps = [(start, None)]
    for version, lo, hi in layer.spans(start, end):  # contiguous: each span's first step ends the previous
        for at, (user, covered) in merge(_grid_steps(version, tz, lo, hi), _coverage_steps(version, tz, lo, hi)):
            add_step(steps, at, user if covered else None)
    return steps


def _grid_steps(version: LayerVersion, tz: tzinfo, lo: datetime, hi: datetime) -> Steps:
    """``version``'s shift assignment across [lo, hi), restrictions aside."""
    k = shift_index(version, tz, lo)
    steps: Steps = [(lo, None if k is None else version.member(k))]
    k = 0 if k is None else k + 1
    while (at := shift_start_at(version, tz, k)) < hi:
        add_step(steps, at, version.member(k))
        k += 1
    return steps


def _coverage_steps(version: LayerVersion, tz: tzinfo, lo: datetime, hi: datetime) -> Steps:
    """Whether ``version``'s restrictions let it cover, across [lo, hi)."""
    if not version.restrictions:
        return [(lo, True)]
    inside = in_windows(version.restrictions, to_wall(lo, tz))
    flips = [at for at in window_changes(version.restrictions, tz, lo, hi) if at < hi]
    return [(lo, inside)] + [(at, inside ^ (i % 2 == 0)) for i, at in enumerate(flips)]


def continue_version(old: LayerVersion, tz: str | tzinfo, effective_at: datetime, *, members=None,
                     shift_unit=None, shift_count=None, restrictions=None, handoff=None) -> LayerVersion:
    """The version that follows ``old`` from ``effective_at``: an edit without reshuffling.

    Omitted arguments keep ``old``'s value. Shifts before ``effective_at`` are untouched by
    construction: the new version only applies from then on.

    - With an explicit ``handoff`` the grid restarts there: ``members[0]`` has shift 0
      (before that hand-off the layer has nobody).
    - Otherwise, with the same shift length (7 days equals 1 week; 24 hours is not 1 day),
      the grid is ``old``'s; with a new length, the new shift 0 starts where ``old``'s shift
      in progress at ``effective_at`` started (its first shift, if none has begun).
    - The keeper is the person on ``old``'s shift in progress (or first shift). The new
      grid's shift in progress at ``effective_at`` (or its first) is theirs, and the others
      follow in the new order after them. A keeper no longer listed is replaced by the next
      person after them in ``old``'s order who still is; failing that, ``members[0]``.
    """
    tz, effective_at = zone(tz), as_utc(effective_at, "effective_at")
    if old.effective_from is not None and effective_at <= old.effective_from:
        raise ValueError("a new version must take effect after the version it continues")
    draft = LayerVersion(
        effective_from=effective_at, handoff=old.handoff,
        shift_unit=old.shift_unit if shift_unit is None else shift_unit,
        shift_count=old.shift_count if shift_count is None else shift_count,
        members=old.members if members is None else members,
        restrictions=old.restrictions if restrictions is None else restrictions)
    if handoff is not None:
        return replace(draft, handoff=handoff)
    current = shift_index(old, tz, effective_at) or 0
    same_grid = ((draft.shift_unit == "hours") == (old.shift_unit == "hours")
                 and draft.shift_length == old.shift_length)
    if not same_grid:
        draft = replace(draft, handoff=(to_wall(shift_start_at(old, tz, current), tz) if old.shift_unit == "hours"
                                        else old.handoff + current * old.shift_length))
    keeper = _keeper(old, current, draft.members)
    k = shift_index(draft, tz, effective_at) or 0
    return replace(draft, member_offset=(draft.members.index(keeper) - k) % len(draft.members))


def _keeper(old: LayerVersion, k: int, members: tuple[int, ...]) -> int:
    """``old``'s person on shift k if still in ``members``, else the next one in old order who is."""
    n = len(old.members)
    listed = (old.members[(k + old.member_offset + step) % n] for step in range(n))
    return next((user for user in listed if user in members), members[0])
