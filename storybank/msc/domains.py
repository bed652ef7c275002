"""Domains of change: admin-configured categories with their MSC question, plus the open
"Any other change" domain that always exists (made on first use and by `storybank setup`;
it cannot be deactivated, and every round has it in play)."""

from __future__ import annotations

from sqlmodel import Session, col, select

from storybank.access import Actor, require_role
from storybank.audit import record_event
from storybank.errors import Conflict, FieldProblem, InvalidInput, NotFound
from storybank.models import MscDomain, Role, User

OPEN_DOMAIN_NAME = "Any other change"
OPEN_DOMAIN_QUESTION = (
    "Looking back over the last period, what do you think was the most significant change "
    "of any other kind?"
)


def ensure_open_domain(*, session: Session, actor: User | None = None) -> MscDomain:
    """The open "Any other change" domain, added if missing (flushed, not committed)."""
    found = session.exec(select(MscDomain).where(col(MscDomain.is_open))).first()
    if found is not None:
        return found
    domain = MscDomain(
        name=OPEN_DOMAIN_NAME,
        description="Changes that fit none of the other domains.",
        question=OPEN_DOMAIN_QUESTION,
        is_open=True,
        sort_order=1000,
    )
    session.add(domain)
    session.flush()
    record_event(
        session=session,
        actor=actor,
        action="msc.domain.create",
        entity="msc_domain",
        entity_id=domain.id,
        details={"name": domain.name, "open": True},
    )
    return domain


def list_domains(*, session: Session, include_inactive: bool = False) -> list[MscDomain]:
    """Every domain in display order (the open domain is made if missing)."""
    if session.exec(select(MscDomain.id).where(col(MscDomain.is_open))).first() is None:
        ensure_open_domain(session=session)
        session.commit()
    query = select(MscDomain).order_by(col(MscDomain.sort_order), col(MscDomain.name))
    if not include_inactive:
        query = query.where(col(MscDomain.active))
    return list(session.exec(query).all())


def get_domain(*, session: Session, domain_id: int) -> MscDomain:
    """One domain, or NotFound."""
    domain = session.get(MscDomain, domain_id)
    if domain is None:
        raise NotFound(f"There is no domain of change with id {domain_id}.")
    return domain


def _check_name(session: Session, name: str, domain_id: int | None = None) -> str:
    name = name.strip()
    if not 1 <= len(name) <= 120:
        raise InvalidInput(
            "A domain needs a name of 1 to 120 characters.",
            problems=[FieldProblem("name", "1 to 120 characters.")],
        )
    clash = session.exec(select(MscDomain).where(MscDomain.name == name)).first()
    if clash is not None and clash.id != domain_id:
        raise Conflict(f"A domain called {name!r} already exists.", code="duplicate_domain")
    return name


def create_domain(
    *,
    session: Session,
    actor: Actor,
    name: str,
    description: str = "",
    question: str = "",
    sort_order: int = 0,
) -> MscDomain:
    """Add a domain of change (admins)."""
    require_role(actor, Role.admin)
    ensure_open_domain(session=session, actor=actor.user)
    domain = MscDomain(
        name=_check_name(session, name),
        description=description.strip(),
        question=question.strip(),
        sort_order=sort_order,
    )
    session.add(domain)
    session.flush()
    record_event(
        session=session,
        actor=actor.user,
        action="msc.domain.create",
        entity="msc_domain",
        entity_id=domain.id,
        details={"name": domain.name},
    )
    session.commit()
    return domain


def update_domain(
    *, session: Session, actor: Actor, domain_id: int, changes: dict[str, object]
) -> MscDomain:
    """Change a domain's name, description, question, order or whether it is active
    (admins); the open domain stays active."""
    require_role(actor, Role.admin)
    domain = get_domain(session=session, domain_id=domain_id)
    if "name" in changes:
        changes["name"] = _check_name(session, str(changes["name"]), domain_id)
    if domain.is_open and changes.get("active") is False:
        raise Conflict(
            "The open domain (any other change) always stays in use: MSC needs a place for "
            "changes that fit no other domain.",
            code="open_domain_stays",
        )
    for name in ("name", "description", "question", "sort_order", "active"):
        if name in changes:
            value = changes[name]
            setattr(domain, name, value.strip() if isinstance(value, str) else value)
    session.add(domain)
    record_event(
        session=session,
        actor=actor.user,
        action="msc.domain.update",
        entity="msc_domain",
        entity_id=domain.id,
        details={"fields": sorted(changes)},
    )
    session.commit()
    return domain
