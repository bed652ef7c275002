"""The scale generator: many realistic, reproducible, de-identified synthetic stories."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import func, select
from sqlmodel import Session, col

from storybank.demo_scale import MAX_WORDS, MIN_WORDS, generate_stories, phrases
from storybank.models import TEXT_FIELDS, Coding, Story, StoryDeidentified, User

UNTIL = date(2026, 6, 1)


def _generated(session: Session) -> list[Story]:
    writers = select(col(User.id)).where(col(User.email).like("writer%"))
    return list(session.execute(select(Story).where(col(Story.author_id).in_(writers))).scalars())


def test_scale_loads_the_demo_then_writes_n_stories_with_codings_and_versions(engine):
    with Session(engine) as session:
        result = generate_stories(session=session, count=300, seed=7, until=UNTIL)
        stories = _generated(session)
        codings = session.execute(select(func.count()).select_from(Coding)).scalar()
        versions = session.execute(select(func.count()).select_from(StoryDeidentified)).scalar()
    assert (result.stories, len(stories)) == (300, 300)
    assert codings and codings > result.codings > 300 * 4
    assert versions and versions > result.deidentified > 100
    assert {s.status for s in stories} == {"submitted", "draft", "withdrawn"}
    assert "site_only" in {s.consent_level for s in stories}
    assert len({s.site_id for s in stories}) == 8
    assert all(s.change_date is None or s.change_date <= UNTIL for s in stories)
    for story in stories:
        words = sum(len(getattr(story, name).split()) for name in TEXT_FIELDS)
        assert MIN_WORDS <= words <= MAX_WORDS


def test_the_same_seed_gives_the_same_stories(db_factory):
    def texts(seed: int) -> list[tuple[str, str]]:
        from storybank.db import make_engine

        url = db_factory.new_url()
        engine = make_engine(url)
        with Session(engine) as session:
            generate_stories(session=session, count=40, seed=seed, until=UNTIL)
            found = [(s.title, s.what_happened) for s in _generated(session)]
        engine.dispose()
        db_factory.drop(url)
        return found

    first = texts(3)
    assert first == texts(3)
    assert first != texts(4)


def test_deidentified_versions_hide_every_generated_name(engine):
    names = phrases()["first_names"]
    with Session(engine) as session:
        generate_stories(session=session, count=200, seed=1, until=UNTIL)
        ids = [s.id for s in _generated(session)]
        versions = session.execute(
            select(StoryDeidentified).where(col(StoryDeidentified.story_id).in_(ids))
        ).scalars()
        text = json.dumps([v.model_dump(mode="json") for v in versions])
    assert "[Person A]" in text
    assert not [name for name in names if f"{name} " in text or f"{name}'" in text]


def test_scale_holds_closed_rounds_at_every_level_fed_by_the_level_below(engine):
    from storybank.models import RoundCandidate, RoundDecision, SelectionRound, Unit

    with Session(engine) as session:
        result = generate_stories(session=session, count=300, seed=5, until=UNTIL)
        rounds = session.exec(select(SelectionRound)).scalars().all()  # type: ignore[call-overload]
        levels = {session.get(Unit, r.unit_id).level for r in rounds if r.state == "closed"}
        chosen = {d.story_id for d in session.exec(select(RoundDecision)).scalars()}  # type: ignore[call-overload]
        fed = (
            session.exec(
                select(RoundCandidate).where(RoundCandidate.source_round_id.is_not(None))  # type: ignore[union-attr]
            )
            .scalars()
            .all()
        )  # type: ignore[call-overload]
    generated = [r for r in rounds if r.name.endswith("(generated)")]
    assert result.rounds == len(generated) > 10
    assert levels == {"site", "region", "programme"}
    assert fed and all(c.story_id in chosen for c in fed)
