"""Sites: the councils or areas that run Community Led Support."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, col, select

from storybank.access import Actor
from storybank.audit import record_event
from storybank.errors import Conflict, FieldProblem, InvalidInput, NotFound
from storybank.models import Role, Site, User


def list_sites(*, session: Session) -> list[Site]:
    """Every site, by name."""
    return list(session.exec(select(Site).order_by(col(Site.name))).all())


def get_site(*, session: Session, site_id: int) -> Site:
    """One site, or NotFound."""
    site = session.get(Site, site_id)
    if site is None:
        raise NotFound(f"There is no site with id {site_id}.")
    return site


def find_site_by_name(*, session: Session, name: str) -> Site | None:
    """The site with this name (case-insensitive), if any."""
    return session.exec(select(Site).where(func.lower(Site.name) == name.strip().lower())).first()


def create_site(*, session: Session, actor: User | None, name: str, region: str = "") -> Site:
    """Add a site; names are unique."""
    name, region = name.strip(), region.strip()
    problems = []
    if not name or len(name) > 120:
        problems.append(FieldProblem("name", "A site needs a name of 1 to 120 characters."))
    if len(region) > 120:
        problems.append(FieldProblem("region", "A region has at most 120 characters."))
    if problems:
        raise InvalidInput("; ".join(p.message for p in problems), problems=problems)
    if find_site_by_name(session=session, name=name):
        raise Conflict(f"A site called {name!r} already exists.", code="duplicate_site")
    site = Site(name=name, region=region)
    session.add(site)
    session.flush()
    record_event(
        session=session,
        actor=actor,
        action="site.create",
        entity="site",
        entity_id=site.id,
        details={"name": site.name, "region": site.region},
    )
    session.commit()
    return site


def ensure_site(*, session: Session, name: str, region: str = "") -> Site:
    """The site with this name, created if missing (used by set-up and imports)."""
    site = find_site_by_name(session=session, name=name)
    if site is None:
        site = Site(name=name.strip(), region=region)
        session.add(site)
        session.flush()
    return site


def visible_sites(*, session: Session, actor: Actor) -> list[Site]:
    """The sites the actor works in or is granted (every site for admins), by name."""
    return [s for s in list_sites(session=session) if actor.is_admin or s.id in actor.site_ids]


def writable_sites(*, session: Session, actor: Actor) -> list[Site]:
    """The sites the actor may write stories for (staff of the site, or admins)."""
    return [s for s in list_sites(session=session) if s.id and actor.works_in(s.id, Role.staff)]
