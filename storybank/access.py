"""Who may see and change which stories: roles, sites and consent in one place.

The rules (also in README "Roles"):
- admin: everything.
- staff: write, submit and withdraw stories of their sites; read their sites' stories,
  drafts included.
- reviewer and facilitator: read submitted and withdrawn stories of their sites.
- evaluator: read submitted stories of the sites they are granted, but only where the
  consent level lets the text leave its site (programme-wide or publishable).
- panel member: reads the candidates of the rounds they sit on (MSC rounds; nothing yet).
A story a person may not read is reported as not found, so its existence does not leak.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, and_, false, or_, true
from sqlmodel import Session, col, select

from storybank.errors import Forbidden
from storybank.models import ConsentLevel, Role, Story, StoryStatus, User, UserRole, UserSite

# Consent levels that let a story's text be seen outside its own site.
BEYOND_SITE = (ConsentLevel.programme_anonymised, ConsentLevel.publishable_anonymised)
SITE_READERS = (Role.staff, Role.reviewer, Role.facilitator)


@dataclass(frozen=True)
class Actor:
    """A signed-in user with their roles and sites, loaded once per request."""

    user: User
    roles: frozenset[str] = field(default_factory=frozenset)
    site_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def id(self) -> int:
        assert self.user.id is not None
        return self.user.id

    @property
    def is_admin(self) -> bool:
        return Role.admin in self.roles

    def has_role(self, *roles: str) -> bool:
        """True if the actor holds any of these roles (admins hold them all)."""
        return self.is_admin or any(role in self.roles for role in roles)

    def works_in(self, site_id: int, *roles: str) -> bool:
        """True if the actor holds one of `roles` and the site is one of theirs."""
        return self.is_admin or (site_id in self.site_ids and self.has_role(*roles))


def load_actor(*, session: Session, user: User) -> Actor:
    """The actor for a user: their roles and site memberships."""
    roles = session.exec(select(UserRole.role).where(UserRole.user_id == user.id)).all()
    sites = session.exec(select(UserSite.site_id).where(UserSite.user_id == user.id)).all()
    return Actor(user=user, roles=frozenset(roles), site_ids=frozenset(sites))


def readable_stories(actor: Actor) -> ColumnElement[bool]:
    """A SQL condition selecting the stories this actor may read."""
    if actor.is_admin:
        return true()
    sites = list(actor.site_ids)
    clauses: list[ColumnElement[bool]] = []
    if actor.has_role(Role.staff):
        clauses.append(col(Story.site_id).in_(sites))
    if actor.has_role(Role.reviewer, Role.facilitator):
        clauses.append(and_(col(Story.site_id).in_(sites), col(Story.status) != StoryStatus.draft))
    if actor.has_role(Role.evaluator):
        clauses.append(
            and_(
                col(Story.site_id).in_(sites),
                col(Story.status) == StoryStatus.submitted,
                col(Story.consent_level).in_([level.value for level in BEYOND_SITE]),
            )
        )
    return or_(*clauses) if clauses else false()


def can_read_story(actor: Actor, story: Story) -> bool:
    """Whether the actor may read this story (same rules as readable_stories)."""
    if actor.is_admin:
        return True
    if story.site_id not in actor.site_ids:
        return False
    if actor.has_role(Role.staff):
        return True
    if actor.has_role(Role.reviewer, Role.facilitator) and story.status != StoryStatus.draft:
        return True
    return (
        actor.has_role(Role.evaluator)
        and story.status == StoryStatus.submitted
        and story.consent_level in BEYOND_SITE
    )


def require_story_writer(actor: Actor, site_id: int) -> None:
    """Raise Forbidden unless the actor may write stories for this site."""
    if not actor.works_in(site_id, Role.staff):
        raise Forbidden(
            "You can only write stories for your own sites. Ask an admin to add you to "
            "this site with the staff role."
        )


def require_role(actor: Actor, *roles: str) -> None:
    """Raise Forbidden unless the actor holds one of the roles."""
    if not actor.has_role(*roles):
        needed = " or ".join(roles)
        raise Forbidden(f"This needs the {needed} role.")
