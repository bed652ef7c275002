"""Who may see and change which stories: grants (role at a unit), consent and the
de-identified version, in one place.

A grant of a role at a unit covers every site below that unit (a grant at a site covers
that site). Every permission is decided for the pair (role, site): a person who is staff
at Somerset and evaluator at Leeds has staff rights at Somerset and evaluator rights at
Leeds, never staff rights at Leeds.

The rules (also in README "Roles"):
- admin (granted at the programme unit): everything, on every site.
- staff: write, submit and withdraw stories of the sites they cover; read those sites'
  stories, drafts included, in the original.
- reviewer and facilitator: read submitted and withdrawn stories of the sites they cover,
  in the original.
- evaluator: reads from outside the site. Only submitted stories whose consent lets the
  text leave its site (programme-wide or publishable) AND whose de-identified version
  has been confirmed, and only that de-identified version.
- panel member: reads the candidates of the rounds they sit on (MSC rounds; nothing yet).
A story a person may not read is reported as not found, so its existence does not leak.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from sqlalchemy import ColumnElement, and_, false, or_, true
from sqlmodel import Session, col, select

from storybank.errors import Forbidden
from storybank.models import (
    SITE_LEVEL,
    ConsentLevel,
    Grant,
    Role,
    Story,
    StoryStatus,
    Unit,
    User,
)

# Consent levels that let a story's text be seen outside its own site.
BEYOND_SITE = (ConsentLevel.programme_anonymised, ConsentLevel.publishable_anonymised)
# Roles that work inside a site and so read its stories in the original.
SITE_ROLES = (Role.staff, Role.reviewer, Role.facilitator)
SITE_READERS = (Role.reviewer, Role.facilitator)


@dataclass(frozen=True)
class Actor:
    """A signed-in user with their grants, loaded once per request.

    `grants` holds (role, unit id) pairs as granted; `sites` maps each role to the site
    ids its grants cover and `units` to every unit id they cover (sites included).
    """

    user: User
    grants: frozenset[tuple[str, int]] = field(default_factory=frozenset)
    sites: Mapping[str, frozenset[int]] = field(default_factory=dict)
    units: Mapping[str, frozenset[int]] = field(default_factory=dict)

    @property
    def id(self) -> int:
        assert self.user.id is not None
        return self.user.id

    # Asked for every row an import checks and every story a list shows: worked out once.
    # (cached_property writes the instance's __dict__ directly, which a frozen dataclass allows.)
    @cached_property
    def is_admin(self) -> bool:
        return any(role == Role.admin for role, _unit in self.grants)

    @cached_property
    def roles(self) -> frozenset[str]:
        """Every role the actor holds somewhere."""
        return frozenset(role for role, _unit in self.grants)

    @cached_property
    def site_ids(self) -> frozenset[int]:
        """Every site any of the actor's grants covers."""
        return frozenset().union(*self.sites.values()) if self.sites else frozenset()

    def has_role(self, *roles: str) -> bool:
        """True if the actor holds any of these roles at some unit (admins hold them all)."""
        return self.is_admin or any(role in self.roles for role in roles)

    def sites_for(self, *roles: str) -> frozenset[int]:
        """The sites where the actor holds one of these roles."""
        return frozenset().union(*(self.sites.get(role, frozenset()) for role in roles))

    def works_in(self, site_id: int, *roles: str) -> bool:
        """True if the actor holds one of `roles` covering this site (admins: always)."""
        return self.is_admin or any(site_id in self.sites.get(role, ()) for role in roles)

    def covers_unit(self, unit_id: int, *roles: str) -> bool:
        """True if one of the actor's grants of these roles covers this unit."""
        return self.is_admin or any(unit_id in self.units.get(role, ()) for role in roles)


def descendants(units: Iterable[tuple[int, int | None]]) -> dict[int, set[int]]:
    """Each unit id mapped to itself and every unit below it, from (id, parent_id) pairs."""
    children: dict[int | None, list[int]] = {}
    ids = []
    for unit_id, parent_id in units:
        children.setdefault(parent_id, []).append(unit_id)
        ids.append(unit_id)
    below: dict[int, set[int]] = {}

    def walk(unit_id: int, seen: frozenset[int]) -> set[int]:
        if unit_id not in below:
            found = {unit_id}
            for child in children.get(unit_id, []):
                if child not in seen:  # a cycle cannot be stored, but never loop on one
                    found |= walk(child, seen | {child})
            below[unit_id] = found
        return below[unit_id]

    for unit_id in ids:
        walk(unit_id, frozenset({unit_id}))
    return below


def load_actor(*, session: Session, user: User) -> Actor:
    """The actor for a user: their grants and what each covers (two small queries)."""
    grants = session.exec(select(Grant.role, Grant.unit_id).where(Grant.user_id == user.id)).all()
    rows = session.exec(select(Unit.id, Unit.parent_id, Unit.level)).all()
    below = descendants((unit_id or 0, parent) for unit_id, parent, _level in rows)
    site_units = {unit_id for unit_id, _parent, level in rows if level == SITE_LEVEL}
    units: dict[str, set[int]] = {}
    for role, unit_id in grants:
        units.setdefault(role, set()).update(below.get(unit_id, {unit_id}))
    return Actor(
        user=user,
        grants=frozenset((role, unit_id) for role, unit_id in grants),
        sites={role: frozenset(found & site_units) for role, found in units.items()},
        units={role: frozenset(found) for role, found in units.items()},
    )


def confirmed_deidentified() -> ColumnElement[bool]:
    """A SQL condition: the story has a confirmed de-identified version."""
    # The flag that triggers on story_deidentified keep in step (migration 0011): a
    # column of the story itself, so a partial index over the flagged stories serves an
    # evaluator's list and its count without a lookup per story.
    return col(Story.deidentified_confirmed) == True  # noqa: E712  (the index says "= 1")


def readable_stories(actor: Actor) -> ColumnElement[bool]:
    """A SQL condition selecting the stories this actor may read."""
    if actor.is_admin:
        return true()
    clauses: list[ColumnElement[bool]] = []
    if staff := actor.sites_for(Role.staff):
        clauses.append(col(Story.site_id).in_(sorted(staff)))
    if readers := actor.sites_for(*SITE_READERS):
        clauses.append(
            and_(col(Story.site_id).in_(sorted(readers)), col(Story.status) != StoryStatus.draft)
        )
    if evaluated := actor.sites_for(Role.evaluator):
        clauses.append(
            and_(
                col(Story.site_id).in_(sorted(evaluated)),
                col(Story.status) == StoryStatus.submitted,
                col(Story.consent_level).in_([level.value for level in BEYOND_SITE]),
                confirmed_deidentified(),
            )
        )
    return or_(*clauses) if clauses else false()


def reads_original(actor: Actor, site_id: int) -> bool:
    """Whether the actor reads this site's stories in the original (from inside the site);
    everyone else sees only the confirmed de-identified version."""
    return actor.works_in(site_id, *SITE_ROLES)


def can_read_story(actor: Actor, story: Story, *, deidentified_confirmed: bool) -> bool:
    """Whether the actor may read this story (same rules as readable_stories)."""
    if actor.is_admin or actor.works_in(story.site_id, Role.staff):
        return True
    if actor.works_in(story.site_id, *SITE_READERS) and story.status != StoryStatus.draft:
        return True
    return (
        actor.works_in(story.site_id, Role.evaluator)
        and story.status == StoryStatus.submitted
        and story.consent_level in BEYOND_SITE
        and deidentified_confirmed
    )


def require_story_writer(actor: Actor, site_id: int) -> None:
    """Raise Forbidden unless the actor may write stories for this site."""
    if not actor.works_in(site_id, Role.staff):
        raise Forbidden(
            "You can only write stories for your own sites. Ask an admin to grant you the "
            "staff role at this site."
        )


def require_deidentifier(actor: Actor, site_id: int) -> None:
    """Raise Forbidden unless the actor may confirm de-identified text for this site."""
    if site_id not in actor.sites_for(Role.staff, Role.reviewer):
        raise Forbidden(
            "Only a staff member or reviewer of the story's site can edit or confirm its "
            "de-identified version (an admin too needs one of those grants)."
        )


def require_role(actor: Actor, *roles: str) -> None:
    """Raise Forbidden unless the actor holds one of the roles."""
    if not actor.has_role(*roles):
        needed = " or ".join(roles)
        raise Forbidden(f"This needs the {needed} role.")


# --- Most Significant Change rounds (storybank/msc) ---
# Membership of a round is per round (a row in msc_round_members, checked by the msc
# services); these are the grant-based rules around it.


def may_run_round(actor: Actor, unit_id: int) -> bool:
    """Whether the actor may set up and run MSC rounds at this unit: a facilitator grant
    covering the unit, or admin."""
    return actor.covers_unit(unit_id, Role.facilitator)


def may_suggest_domain(actor: Actor, site_id: int) -> bool:
    """Whether the actor may suggest the domain of a candidate story of this site: its
    staff and reviewers (and facilitators covering it)."""
    return actor.works_in(site_id, Role.staff, Role.reviewer, Role.facilitator)


def may_verify(actor: Actor, round_unit_id: int, site_id: int) -> bool:
    """Whether the actor may record a verification of a story selected by a round: a
    facilitator covering the round's unit or an evaluator covering the story's site."""
    return may_run_round(actor, round_unit_id) or actor.works_in(site_id, Role.evaluator)


def may_see_round_outline(actor: Actor, site_ids: Iterable[int]) -> bool:
    """Whether staff or reviewers see a round's outline (not its candidates) because it
    covers a site they work in, so they can suggest domains for their stories."""
    return any(actor.works_in(site_id, Role.staff, Role.reviewer) for site_id in site_ids)


def require_round_runner(actor: Actor, unit_id: int) -> None:
    """Raise Forbidden unless the actor may run rounds at this unit."""
    if not may_run_round(actor, unit_id):
        raise Forbidden(
            "Only a facilitator whose grant covers the round's unit (or an admin) can do this."
        )


def may_review(actor: Actor, site_id: int) -> bool:
    """Whether the actor codes stories of this site: a reviewer grant covering it (admins
    too need one, so every coder is a named reviewer of the site)."""
    return site_id in actor.sites_for(Role.reviewer)


def require_reviewer(actor: Actor, site_id: int) -> None:
    """Raise Forbidden unless the actor may code stories of this site."""
    if not may_review(actor, site_id):
        raise Forbidden("Only reviewers of this story's site can code it.", code="not_a_reviewer")
