"""Demo data: fictional sites, people and change stories with confirmed codings.

Every story in storybank/data/demo/ was written for storybank; no real people appear.
Demo accounts (one per role) share the documented demo password and exist only when
demo data is loaded.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from importlib import resources
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from storybank.accounts import find_user_by_email, hash_password
from storybank.audit import record_event
from storybank.codebook import load_codebook
from storybank.demo_msc import load_msc_demo
from storybank.learning import TrainingResult, active_version, train_and_maybe_activate
from storybank.learning.training import Progress
from storybank.models import (
    DEIDENTIFIED_FIELDS,
    Code,
    Coding,
    CodingSource,
    Grant,
    Role,
    Story,
    StoryDeidentified,
    Unit,
    User,
    require_id,
    utcnow,
)
from storybank.units import ensure_root, ensure_site

DEMO_PASSWORD = "storybank-demo"
DEMO_DOMAIN = "demo.storybank.local"
REGIONS = {
    "Somerset": "South West England",
    "Derby": "East Midlands",
    "Leeds": "Yorkshire and the Humber",
    "Denbighshire": "Wales",
    "Scottish Borders": "Scotland",
    "East Renfrewshire": "Scotland",
    "Doncaster": "Yorkshire and the Humber",
    "Torbay": "South West England",
}
# One account per role; units are site or region names from REGIONS ("*" = the programme).
DEMO_ACCOUNTS = [
    ("admin", "Ada Admin", [Role.admin], ["*"]),
    ("staff", "Sam Staff", [Role.staff], ["Somerset", "Derby"]),
    ("reviewer", "Rowan Reviewer", [Role.reviewer], ["Somerset", "Derby", "Leeds"]),
    ("panel", "Pat Panel", [Role.panel_member], ["Somerset"]),
    # Fran runs the demo's MSC rounds: the site rounds, and the South West England region's.
    (
        "facilitator",
        "Fran Facilitator",
        [Role.facilitator],
        ["Somerset", "Derby", "Torbay", "South West England"],
    ),
    ("evaluator", "Evie Evaluator", [Role.evaluator], ["*"]),
]
CODER_EMAIL = f"coder@{DEMO_DOMAIN}"
# Recent submitted stories of reviewer@'s sites, loaded without codings: they wait in the
# review queue, with the first model's suggestions once `storybank demo` has trained it.
AWAITING_REVIEW = frozenset(
    {
        "a-somerset-online-form-shut-out",
        "a-derby-gp-same-day-line-uti",
        "a-leeds-tower-block-chair-exercise",
        "a-leeds-sleep-in-to-bed-sensor",
        "c-leeds-autism-bike-workshop-job",
        "c-leeds-referral-bounced-alcohol",
    }
)


@dataclass
class DemoLoad:
    """What loading the demo data created."""

    sites: int
    users: int
    stories: int
    codings: int


def demo_stories() -> list[dict[str, Any]]:
    """Every demo story from the shipped TOML files, in file order."""
    folder = resources.files("storybank.data").joinpath("demo")
    stories: list[dict[str, Any]] = []
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if entry.name.startswith("stories_") and entry.name.endswith(".toml"):
            stories.extend(tomllib.loads(entry.read_text("utf-8"))["story"])
    return stories


def has_stories(session: Session) -> bool:
    """Whether the bank holds any story at all."""
    return session.exec(select(func.count()).select_from(Story)).one() > 0


def load_demo(*, session: Session, progress: Callable[[int], None] | None = None) -> DemoLoad:
    """Load sites, demo accounts and every demo story with its codings (one transaction)."""
    load_codebook(session=session, actor=None)
    sites: dict[str, Any] = {
        name: ensure_site(session=session, name=name, region=region)
        for name, region in REGIONS.items()
    }
    for region in set(REGIONS.values()):
        sites[region] = _region_of(session, sites, region)
    sites["*"] = ensure_root(session=session)
    users_before = session.exec(select(func.count()).select_from(User)).one()
    _demo_accounts(session, sites)
    coder = demo_account(
        session,
        CODER_EMAIL,
        "Demo Coder (evaluation lead)",
        [Role.reviewer],
        [sites["*"]],
        password_hash=None,
    )
    codes = {code.key: code for code in session.exec(select(Code)).all()}
    codings = 0
    stories = demo_stories()
    story_ids: dict[str, int] = {}
    for story_data in stories:
        story = _demo_story(session, story_data, sites)
        story_ids[story_data["key"]] = require_id(story)
        codings += _demo_codings(session, story, story_data, codes, coder)
        _demo_deidentified(session, story, story_data)
        if progress:
            progress(1)
    load_msc_demo(
        session=session,
        units=sites,
        stories=story_ids,
        demo_domain=DEMO_DOMAIN,
        account=demo_account,
    )
    record_event(
        session=session,
        actor=None,
        action="demo.load",
        entity="bank",
        entity_id="-",
        details={"stories": len(stories)},
    )
    session.commit()
    users_after = session.exec(select(func.count()).select_from(User)).one()
    return DemoLoad(len(REGIONS), users_after - users_before, len(stories), codings)


def train_demo_model(
    *, session: Session, progress: Progress | None = None
) -> TrainingResult | None:
    """Train and activate the first model from the demo codings (None if one exists), then
    make its suggestions for the stories awaiting review."""
    if active_version(session) is not None:
        return None
    result = train_and_maybe_activate(session=session, actor=None, progress=progress, via="demo")
    suggest_awaiting_review(session=session)
    return result


def suggest_awaiting_review(*, session: Session) -> int:
    """Run the suggest_codes job now for each submitted story nobody has coded yet."""
    from storybank.review.suggesting import request_suggestions, suggest_codes

    coded = select(Coding.story_id).distinct()
    ids = session.exec(
        select(Story.id)
        .where(Story.status == "submitted", col(Story.erased_at).is_(None))
        .where(col(Story.id).not_in(coded))
    ).all()
    request_suggestions(session=session, story_ids=[i or 0 for i in ids])
    session.commit()
    bind = session.get_bind()
    for story_id in ids:
        suggest_codes(
            session_factory=lambda: Session(bind, expire_on_commit=False), story_id=story_id or 0
        )
    return len(ids)


def _demo_accounts(session: Session, sites: dict[str, Any]) -> None:
    # Every demo account has the same documented password, so hash it once (argon2 is
    # deliberately slow); real accounts each get their own salt.
    shared_hash = hash_password(DEMO_PASSWORD)
    for local, name, roles, site_names in DEMO_ACCOUNTS:
        chosen = [sites[n] for n in site_names]
        demo_account(
            session, f"{local}@{DEMO_DOMAIN}", name, roles, chosen, password_hash=shared_hash
        )


def demo_account(
    session: Session,
    email: str,
    name: str,
    roles: list[Role],
    units: list[Any],
    password_hash: str | None,
) -> User:
    """The demo account with this address, made with these grants if it is new."""
    user = find_user_by_email(session=session, email=email)
    if user is None:
        user = User(
            email=email,
            display_name=name,
            password_hash=password_hash,
        )
        session.add(user)
        session.flush()
        assert user.id is not None
        session.add_all(
            [Grant(user_id=user.id, role=r.value, unit_id=u.id) for r in roles for u in units]
        )
    return user


def _region_of(session: Session, sites: dict[str, Any], region: str) -> Unit:
    """The region unit above the demo sites of that region."""
    site = next(sites[name] for name, of in REGIONS.items() if of == region)
    found = session.get(Unit, site.parent_id)
    assert found is not None
    return found


def _author(session: Session, label: str, site: Any) -> User:
    """A storyteller account (no password: demo storytellers cannot log in)."""
    slug = re.sub(r"[^a-z]+", ".", label.split("(")[0].strip().lower()).strip(".")
    return demo_account(
        session,
        f"{slug}@{DEMO_DOMAIN}",
        label.split("(")[0].strip(),
        [Role.staff],
        [site],
        password_hash=None,
    )


def _demo_story(session: Session, data: dict[str, Any], sites: dict[str, Any]) -> Story:
    site = sites[data["site"]]
    author = _author(session, data["author"], site)
    changed = date.fromisoformat(str(data["change_date"]))
    created = utcnow().replace(year=changed.year, month=changed.month, day=changed.day)
    created = min(created + timedelta(days=3), utcnow())
    status = data.get("status", "submitted")
    story = Story(
        site_id=site.id,
        author_id=require_id(author),
        title=data["title"],
        perspective=data["perspective"],
        contact_route=data["contact_route"],
        what_mattered=data.get("what_mattered", ""),
        what_happened=data["what_happened"],
        what_changed=data["what_changed"],
        before_cls=data.get("before_cls", ""),
        community_solutions=list(data.get("community_solutions", [])),
        why_significant=data["why_significant"],
        story_type=data["story_type"],
        change_date=changed,
        consent_level=data.get("consent"),
        consent_recorded_by_id=author.id,
        consent_recorded_at=created,
        status=status,
        submitted_at=created if status != "draft" else None,
        withdrawn_at=created + timedelta(days=30) if status == "withdrawn" else None,
        created_at=created,
        updated_at=created,
        weekly_cost_before=_money(data.get("weekly_cost_before")),
        weekly_cost_after=_money(data.get("weekly_cost_after")),
    )
    session.add(story)
    session.flush()
    return story


def _demo_codings(
    session: Session, story: Story, data: dict[str, Any], codes: dict[str, Code], coder: User
) -> int:
    if story.status == "draft" or data["key"] in AWAITING_REVIEW:
        return 0
    keys = [f"outcome_{n}" for n in data.get("outcomes", [])] + list(data.get("themes", []))
    for key in keys:
        session.add(
            Coding(
                story_id=require_id(story),
                code_id=require_id(codes[key]),
                coder_id=require_id(coder),
                source=CodingSource.manual,
                created_at=story.created_at,
            )
        )
    return len(keys)


def _demo_deidentified(session: Session, story: Story, data: dict[str, Any]) -> None:
    """The story's confirmed de-identified version, from its list of replacements."""
    replacements = data.get("deidentified", {}).get("replace")
    if replacements is None:
        return
    fields = {name: getattr(story, name) for name in DEIDENTIFIED_FIELDS}
    solutions = list(story.community_solutions)
    for found, replacement in replacements:
        pattern = re.compile(rf"(?<!\w){re.escape(found)}(?!\w)")
        fields = {name: pattern.sub(replacement, text) for name, text in fields.items()}
        solutions = [pattern.sub(replacement, text) for text in solutions]
    session.add(
        StoryDeidentified(
            story_id=require_id(story),
            **fields,
            community_solutions=solutions,
            updated_at=story.created_at,
            updated_by_id=story.author_id,
            confirmed_at=story.created_at,
            confirmed_by_id=story.author_id,
        )
    )


def _money(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))
