"""A small unit tree for MSC tests through the API: the programme, one region (North)
with two sites (Ashby, Brook), their facilitators, storytellers, stories and panellists."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from storybank.models import ReportingPeriod, Story, StoryDeidentified, Unit, User
from storybank.units import ensure_root
from tests.builders import make_site, make_story, make_user, token_headers

REASONS = (
    "The panel chose this story because the change lasted for months and the person "
    "explained in her own words why it mattered."
)


@dataclass
class Tree:
    """Units, people (with token headers) and stories of the MSC tests."""

    programme: Unit
    north: Unit
    ashby: Unit
    brook: Unit
    users: dict[str, User]
    headers: dict[str, dict[str, str]]
    stories: dict[str, Story]
    period_id: int = 0
    domain_id: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


# The tree as built in the run's tree template database, per database dialect.
_BUILT: dict[str, Tree] = {}


def build_template_tree(session: Session, client: TestClient) -> None:
    """Build the tree in the template database tests marked `msc_tree` are copied from."""
    _BUILT[session.get_bind().dialect.name] = _build(session, client)


def build_tree(session: Session, client: TestClient) -> Tree:
    """The tree, with a 2026 Q1 period and one domain made through the API; in a copy of
    the tree template (tests marked `msc_tree`), the tree already there, read back."""
    built = _BUILT.get(session.get_bind().dialect.name)
    if built is not None and _holds(session, built):
        return _read_back(session, built)
    return _build(session, client)


def _holds(session: Session, built: Tree) -> bool:
    """Whether this database is a copy of the template the tree was built in."""
    period = session.get(ReportingPeriod, built.period_id)
    ashby = session.get(Unit, built.ashby.id)
    last = session.get(User, built.users["m2"].id)
    return (
        period is not None
        and period.name == "2026 Q1"
        and ashby is not None
        and ashby.name == "Ashby"
        and last is not None
        and last.email == built.users["m2"].email
    )


def _read_back(session: Session, built: Tree) -> Tree:
    """The template's tree with its objects loaded from this test's own database."""

    def unit(found: Unit) -> Unit:
        loaded = session.get(Unit, found.id)
        assert loaded is not None
        return loaded

    users = {name: session.get(User, u.id) for name, u in built.users.items()}
    stories = {name: session.get(Story, s.id) for name, s in built.stories.items()}
    return Tree(
        unit(built.programme),
        unit(built.north),
        unit(built.ashby),
        unit(built.brook),
        {name: u for name, u in users.items() if u is not None},
        {name: dict(h) for name, h in built.headers.items()},
        {name: s for name, s in stories.items() if s is not None},
        built.period_id,
        built.domain_id,
    )


def _build(session: Session, client: TestClient) -> Tree:
    """Make the tree: units, people, stories, and the period and domain (via the API)."""
    ashby = make_site(session, "Ashby", region="North")
    brook = make_site(session, "Brook", region="North")
    north = session.get(Unit, ashby.parent_id)
    programme = ensure_root(session=session)
    assert north is not None
    users = {
        "admin": make_user(session, roles=["admin"], name="Ada Admin"),
        "fac_ashby": make_user(session, roles=["facilitator"], sites=[ashby], name="Fay Ashby"),
        "fac_brook": make_user(session, roles=["facilitator"], sites=[brook], name="Fred Brook"),
        "fac_north": make_user(session, grants=[("facilitator", north)], name="Nia North"),
        "fac_prog": make_user(session, grants=[("facilitator", programme)], name="Pat Prog"),
        "staff_ashby": make_user(session, roles=["staff"], sites=[ashby], name="Sam Ashby"),
        "staff_brook": make_user(session, roles=["staff"], sites=[brook], name="Sue Brook"),
        "reviewer_ashby": make_user(session, roles=["reviewer"], sites=[ashby], name="Rae"),
        "m1": make_user(session, name="Morwenna Quill"),
        "m2": make_user(session, name="Tobias Fenwright"),
    }
    stories = {
        "a1": make_story(
            session, site=ashby, author=users["staff_ashby"], title="Agnes rejoined the choir"
        ),
        "a2": make_story(
            session,
            site=ashby,
            author=users["staff_ashby"],
            title="Bert kept his allotment",
            consent_level="site_only",
        ),
        "a_old": make_story(
            session,
            site=ashby,
            author=users["staff_ashby"],
            title="An older change",
            change_date="2025-11-02",
        ),
        "b1": make_story(
            session,
            site=brook,
            author=users["staff_brook"],
            title="Cora walks to the market",
            consent_level="publishable_anonymised",
        ),
        "b2": make_story(
            session,
            site=brook,
            author=users["staff_brook"],
            title="Dev found a befriender",
            deidentified=False,
        ),
    }
    _rewrite_deidentified(session)
    headers = {name: token_headers(session, user) for name, user in users.items()}
    tree = Tree(programme, north, ashby, brook, users, headers, stories)
    period = client.post(
        "/api/v1/msc/periods",
        headers=headers["admin"],
        json={"name": "2026 Q1", "opens_on": "2026-01-01", "closes_on": "2026-03-31"},
    )
    domain = client.post(
        "/api/v1/msc/domains",
        headers=headers["admin"],
        json={
            "name": "Changes in people's lives",
            "question": "What was the most significant change in people's lives?",
        },
    )
    assert period.status_code == 201 and domain.status_code == 201, (period.text, domain.text)
    tree.period_id, tree.domain_id = period.json()["id"], domain.json()["id"]
    return tree


def _rewrite_deidentified(session: Session) -> None:
    """De-identified versions that share no name with the original: "[Person] ..."."""
    for version in session.exec(select(StoryDeidentified)).all():
        story = session.get(Story, version.story_id)
        assert story is not None
        version.title = "[Person] " + story.title.split(" ", 1)[1]
        for name in ("what_mattered", "what_happened", "what_changed", "before_cls"):
            version.__setattr__(name, f"[Person]'s {name.replace('_', ' ')}.")
        version.why_significant = "[Person] says it matters."
        session.add(version)
    session.commit()


def new_round(
    client: TestClient,
    tree: Tree,
    unit: Unit,
    facilitator: str,
    *,
    members: tuple[str, ...] = (),
    **options: Any,
) -> dict[str, Any]:
    """Create a round at a unit through the API and add its panel."""
    made = client.post(
        "/api/v1/msc/rounds",
        headers=tree.headers[facilitator],
        json={
            "name": f"{unit.name} Q1",
            "unit_id": unit.id,
            "period_id": tree.period_id,
            "facilitator_id": tree.users[facilitator].id,
            "domain_ids": [tree.domain_id],
            **options,
        },
    )
    assert made.status_code == 201, made.text
    for name in members:
        added = client.post(
            f"/api/v1/msc/rounds/{made.json()['id']}/members",
            headers=tree.headers[facilitator],
            json={"user_id": tree.users[name].id},
        )
        assert added.status_code == 201, added.text
    return made.json()  # type: ignore[no-any-return]


def move(client: TestClient, headers: dict[str, str], round_id: int, to: str) -> Any:
    """Move a round on with the version it has now; the response."""
    version = client.get(f"/api/v1/msc/rounds/{round_id}", headers=headers).json()["version"]
    return client.post(
        f"/api/v1/msc/rounds/{round_id}/transition",
        headers=headers,
        json={"to": to, "version": version},
    )


def confirm_all(client: TestClient, headers: dict[str, str], round_id: int, domain_id: int) -> None:
    """Confirm every candidate of a round in one domain."""
    pack = client.get(f"/api/v1/msc/rounds/{round_id}/candidates", headers=headers).json()
    for entry in pack:
        done = client.put(
            f"/api/v1/msc/rounds/{round_id}/candidates/{entry['candidate_id']}",
            headers=headers,
            json={"domain_id": domain_id},
        )
        assert done.status_code == 200, done.text


def vote(client: TestClient, tree: Tree, round_id: int, member: str, **choice: Any) -> Any:
    """A member's ballot in the tree's domain."""
    return client.put(
        f"/api/v1/msc/rounds/{round_id}/ballots/{tree.domain_id}",
        headers=tree.headers[member],
        json=choice,
    )


def decide(
    client: TestClient,
    headers: dict[str, str],
    round_id: int,
    domain_id: int,
    story_id: int | None,
    **extra: Any,
) -> Any:
    """Record a decision with full-sentence reasons and one criterion."""
    return client.put(
        f"/api/v1/msc/rounds/{round_id}/decisions/{domain_id}",
        headers=headers,
        json={
            "story_id": story_id,
            "reasons": REASONS,
            "criteria": [{"name": "Lasting change", "weight": 5}],
            **extra,
        },
    )


def run_site_round(
    client: TestClient, tree: Tree, unit: Unit, facilitator: str, chosen: str
) -> dict[str, Any]:
    """A site round from draft to closed; the panel selects `chosen`."""
    made = new_round(client, tree, unit, facilitator, members=("m1", "m2"))
    rid, h = made["id"], tree.headers[facilitator]
    assert move(client, h, rid, "reading").status_code == 200
    confirm_all(client, h, rid, tree.domain_id)
    assert move(client, h, rid, "voting").status_code == 200
    for member in ("m1", "m2"):
        assert vote(client, tree, rid, member, choice=tree.stories[chosen].id).status_code == 200
    assert move(client, h, rid, "deciding").status_code == 200
    assert decide(client, h, rid, tree.domain_id, tree.stories[chosen].id).status_code == 200
    closed = move(client, h, rid, "closed")
    assert closed.status_code == 200, closed.text
    return closed.json()  # type: ignore[no-any-return]
