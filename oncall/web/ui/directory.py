"""Names for the pages: people, teams, rotations and policies by id, and form choices."""
from __future__ import annotations

from sqlalchemy import select

from oncall.store.models import EscalationPolicy, Rotation, Team, User
from oncall.web.dbsession import get_session


def people() -> list[User]:
    return list(get_session().execute(select(User).order_by(User.name, User.id)).scalars())


def teams() -> list[Team]:
    return list(get_session().execute(select(Team).order_by(Team.name, Team.id)).scalars())


def _names(table) -> dict[int, str]:
    return dict(get_session().execute(select(table.id, table.name)).all())


def user_names() -> dict[int, str]:
    return _names(User)


def team_names() -> dict[int, str]:
    return _names(Team)


def rotation_names() -> dict[int, str]:
    return _names(Rotation)


def policy_names() -> dict[int, str]:
    return _names(EscalationPolicy)


def team_choices(managed: set[int] | None) -> list[Team]:
    """The teams a user may configure (``managed`` None: every team)."""
    return [t for t in teams() if managed is None or t.id in managed]


def target_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Escalation targets grouped for a ``<select>``: (group, [(value "type:id", label)])."""
    session = get_session()
    team_by_id = team_names()
    rotations = session.execute(select(Rotation).order_by(Rotation.name)).scalars()
    return [
        ("Rotations (who is on call)", [(f"rotation:{r.id}", f"{r.name} · {team_by_id.get(r.team_id, '?')}")
                                        for r in rotations]),
        ("People", [(f"user:{u.id}", u.name) for u in people()]),
        ("Whole teams", [(f"team:{t_id}", name) for t_id, name in sorted(team_by_id.items(), key=lambda x: x[1])]),
    ]


def target_namer():
    """A function naming an escalation target (``"rotation", 3`` → "on call in Primary")."""
    names = {"rotation": rotation_names(), "user": user_names(), "team": team_names()}
    prefix = {"rotation": "on call in ", "user": "", "team": "everyone in "}

    def name(kind: str, target_id: int) -> str:
        return prefix.get(kind, "") + names.get(kind, {}).get(target_id, f"{kind} {target_id} (gone)")

    return name
