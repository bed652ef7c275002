"""Organisational units: sites, regions and the programme, in a tree with configurable
levels (lowest first; stories live at the lowest level, "site")."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from unicodedata import normalize

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storybank.access import Actor, descendants
from storybank.audit import record_event
from storybank.errors import Conflict, FieldProblem, InvalidInput, NotFound
from storybank.models import DEFAULT_UNIT_LEVELS, SITE_LEVEL, Role, Unit, User

ROOT_NAME = "Programme"


def unit_key(name: str) -> str:
    """The form names are compared in: Unicode-normalised, case-folded, trimmed."""
    return normalize("NFKC", name).casefold().strip()


def list_units(*, session: Session) -> list[Unit]:
    """Every unit, by name."""
    return list(session.exec(select(Unit).order_by(col(Unit.name))).all())


def list_sites(*, session: Session) -> list[Unit]:
    """Every site (unit at the lowest level), by name."""
    query = select(Unit).where(Unit.level == SITE_LEVEL).order_by(col(Unit.name))
    return list(session.exec(query).all())


def get_unit(*, session: Session, unit_id: int) -> Unit:
    """One unit, or NotFound."""
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise NotFound(f"There is no unit with id {unit_id}.")
    return unit


def get_site(*, session: Session, site_id: int) -> Unit:
    """One site, or NotFound (a region or the programme is not a site)."""
    site = session.get(Unit, site_id)
    if site is None or site.level != SITE_LEVEL:
        raise NotFound(f"There is no site with id {site_id}.")
    return site


def find_unit_by_name(*, session: Session, name: str) -> Unit | None:
    """The unit with this name (compared case-insensitively), if any."""
    return session.exec(select(Unit).where(Unit.name_key == unit_key(name))).first()


def find_site_by_name(*, session: Session, name: str) -> Unit | None:
    """The site with this name (compared case-insensitively), if any."""
    unit = find_unit_by_name(session=session, name=name)
    return unit if unit is not None and unit.level == SITE_LEVEL else None


def _name_problems(name: str) -> list[FieldProblem]:
    if not name or len(name) > 120:
        return [FieldProblem("name", "A unit needs a name of 1 to 120 characters.")]
    if any(ord(char) < 32 for char in name):
        return [FieldProblem("name", "A name cannot contain control characters.")]
    return []


def _parent_problems(
    session: Session, level: str, parent_id: int | None, levels: Sequence[str]
) -> list[FieldProblem]:
    if level not in levels:
        return [FieldProblem("level", f"Choose a level from: {', '.join(levels)}.")]
    if parent_id is None:
        return []
    parent = session.get(Unit, parent_id)
    if parent is None:
        return [FieldProblem("parent_id", f"There is no unit with id {parent_id}.")]
    if parent.level not in levels or levels.index(parent.level) <= levels.index(level):
        return [
            FieldProblem(
                "parent_id",
                f"A {level} can only sit under a unit of a higher level "
                f"({', '.join(levels[levels.index(level) + 1 :]) or 'none'}).",
            )
        ]
    return []


def create_unit(
    *,
    session: Session,
    actor: User | None,
    name: str,
    level: str = SITE_LEVEL,
    parent_id: int | None = None,
    levels: Sequence[str] = DEFAULT_UNIT_LEVELS,
) -> Unit:
    """Add a unit under a parent of a higher level; names are unique across the tree."""
    name = name.strip()
    problems = _name_problems(name) + _parent_problems(session, level, parent_id, levels)
    if problems:
        raise InvalidInput("; ".join(p.message for p in problems), problems=problems)
    if find_unit_by_name(session=session, name=name):
        raise Conflict(f"A unit called {name!r} already exists.", code="duplicate_unit")
    unit = Unit(name=name, name_key=unit_key(name), level=level, parent_id=parent_id)
    session.add(unit)
    try:
        session.flush()
    except IntegrityError:  # a concurrent request added the same name first
        session.rollback()
        raise Conflict(f"A unit called {name!r} already exists.", code="duplicate_unit") from None
    record_event(
        session=session,
        actor=actor,
        action="unit.create",
        entity="unit",
        entity_id=unit.id,
        details={"name": unit.name, "level": level, "parent_id": parent_id},
    )
    session.commit()
    return unit


def move_unit(
    *,
    session: Session,
    actor: User | None,
    unit_id: int,
    parent_id: int | None,
    levels: Sequence[str] = DEFAULT_UNIT_LEVELS,
) -> Unit:
    """Put a unit under another parent (of a higher level), or at the top."""
    unit = get_unit(session=session, unit_id=unit_id)
    if problems := _parent_problems(session, unit.level, parent_id, levels):
        raise InvalidInput(problems[0].message, problems=problems)
    previous, unit.parent_id = unit.parent_id, parent_id
    session.add(unit)
    record_event(
        session=session,
        actor=actor,
        action="unit.move",
        entity="unit",
        entity_id=unit.id,
        details={"from": previous, "to": parent_id},
    )
    session.commit()
    return unit


def ensure_root(*, session: Session, levels: Sequence[str] = DEFAULT_UNIT_LEVELS) -> Unit:
    """The programme (the first unit at the top level), created if there is none."""
    query = select(Unit).where(Unit.level == levels[-1], col(Unit.parent_id).is_(None))
    root = session.exec(query.order_by(col(Unit.id))).first()
    if root is None:
        root = Unit(name=ROOT_NAME, name_key=unit_key(ROOT_NAME), level=levels[-1])
        session.add(root)
        session.flush()
    return root


def ensure_site(*, session: Session, name: str, region: str = "") -> Unit:
    """The site with this name, created if missing under its region (itself created under
    the programme if missing); used by set-up, demo data and tests. Not committed."""
    site = find_site_by_name(session=session, name=name)
    if site is not None:
        return site
    parent = ensure_root(session=session)
    if region.strip():
        found = find_unit_by_name(session=session, name=region)
        if found is None:
            found = Unit(name=region.strip(), name_key=unit_key(region), level="region")
            found.parent_id = parent.id
            session.add(found)
            session.flush()
        parent = found
    site = Unit(name=name.strip(), name_key=unit_key(name), level=SITE_LEVEL)
    site.parent_id = parent.id
    session.add(site)
    session.flush()
    return site


def visible_sites(*, session: Session, actor: Actor) -> list[Unit]:
    """The sites any of the actor's grants covers (every site for admins), by name."""
    return [s for s in list_sites(session=session) if actor.is_admin or s.id in actor.site_ids]


def writable_sites(*, session: Session, actor: Actor) -> list[Unit]:
    """The sites the actor may write stories for (staff grants covering them, or admins)."""
    return [s for s in list_sites(session=session) if s.id and actor.works_in(s.id, Role.staff)]


def parent_names(*, session: Session) -> dict[int, str]:
    """Each unit id mapped to its parent's name ("" at the top), e.g. a site's region."""
    units = {u.id: u for u in session.exec(select(Unit)).all()}
    return {
        unit_id: (units[u.parent_id].name if u.parent_id in units else "")
        for unit_id, u in units.items()
        if unit_id is not None
    }


@dataclass
class UnitNode:
    """A unit in tree order, with its depth and how many sites it covers."""

    unit: Unit
    depth: int
    sites: int


def unit_tree(*, session: Session) -> list[UnitNode]:
    """Every unit in tree order (parents before children, siblings by name)."""
    units = list_units(session=session)
    below = descendants((u.id or 0, u.parent_id) for u in units)
    site_ids = {u.id for u in units if u.level == SITE_LEVEL}
    children: dict[int | None, list[Unit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)
    ordered: list[UnitNode] = []

    def walk(parent: int | None, depth: int) -> None:
        for unit in children.get(parent, []):
            covered = len(below.get(unit.id or 0, set()) & site_ids)
            ordered.append(UnitNode(unit=unit, depth=depth, sites=covered))
            walk(unit.id, depth + 1)

    walk(None, 0)
    return ordered
