"""The held-apart NLP evaluation set: well formed, covering every code, apart from the demo bank."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from storybank.codebook import shipped_codebook
from storybank.demo import demo_stories

EVAL_FILE = Path(__file__).resolve().parents[1] / "data" / "nlp_eval_stories.jsonl"
MIN_STORIES = 80
MIN_PER_CODE = 4
RUN_WORDS = 8


def _eval_stories() -> list[dict[str, Any]]:
    """Every line of the evaluation file, parsed; a line that is not JSON fails the test."""
    lines = EVAL_FILE.read_text("utf-8").splitlines()
    stories = []
    for number, line in enumerate(lines, start=1):
        try:
            stories.append(json.loads(line))
        except json.JSONDecodeError as error:
            pytest.fail(f"line {number} is not valid JSON: {error}")
    return stories


def _theme_keys() -> set[str]:
    """The theme keys of the shipped codebook."""
    return {c["key"] for c in shipped_codebook()["code"] if c["kind"] == "theme"}


def _strings(value: Any) -> Iterator[str]:
    """Every string inside a TOML value, however deeply nested."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _words(text: str) -> list[str]:
    """Lower-case words, punctuation dropped."""
    return re.findall(r"[a-z0-9£']+", text.lower().replace("\u2019", "'"))


def _runs(text: str) -> set[tuple[str, ...]]:
    """Every run of eight consecutive words in the text."""
    words = _words(text)
    return {tuple(words[i : i + RUN_WORDS]) for i in range(len(words) - RUN_WORDS + 1)}


def _demo_runs() -> set[tuple[str, ...]]:
    """Every eight-word run in any text of the demo bank (all fields, de-identified too)."""
    return {run for story in demo_stories() for text in _strings(story) for run in _runs(text)}


def _shared_runs(texts: list[str], demo: set[tuple[str, ...]]) -> list[str]:
    """The eight-word runs of the texts that also occur in the demo bank."""
    return sorted({" ".join(run) for text in texts for run in _runs(text) & demo})


def test_every_line_is_a_story_object_with_the_expected_fields():
    stories = _eval_stories()
    assert len(stories) >= MIN_STORIES
    for number, story in enumerate(stories, start=1):
        assert isinstance(story, dict), number
        assert isinstance(story["text"], str) and story["text"].strip(), number
        assert isinstance(story["site"], str) and story["site"], number
        assert isinstance(story["voice"], str) and story["voice"], number
        assert 120 <= len(story["text"].split()) <= 350, number


def test_outcomes_are_numbers_one_to_six_and_themes_are_codebook_keys():
    themes = _theme_keys()
    for number, story in enumerate(_eval_stories(), start=1):
        outcomes = story["outcomes"]
        assert all(type(n) is int and 1 <= n <= 6 for n in outcomes), (number, outcomes)
        assert set(story["themes"]) <= themes, (number, set(story["themes"]) - themes)
        assert 1 <= len(outcomes) <= 3 and len(set(outcomes)) == len(outcomes), number
        assert 1 <= len(story["themes"]) <= 6, number
        assert len(set(story["themes"])) == len(story["themes"]), number


def test_every_outcome_and_theme_appears_in_at_least_four_stories():
    stories = _eval_stories()
    outcomes = Counter(n for s in stories for n in s["outcomes"])
    themes = Counter(t for s in stories for t in s["themes"])
    assert {n: outcomes[n] for n in range(1, 7) if outcomes[n] < MIN_PER_CODE} == {}
    assert {t: themes[t] for t in _theme_keys() if themes[t] < MIN_PER_CODE} == {}


def test_no_sentence_of_eight_words_or_more_is_shared_with_the_demo_bank():
    # Stricter than whole sentences: no run of eight consecutive words is shared at all.
    texts = [story["text"] for story in _eval_stories()]
    assert _shared_runs(texts, _demo_runs()) == []


def test_the_shared_text_check_finds_a_demo_sentence_copied_into_a_story():
    demo = _demo_runs()
    copied = " ".join(next(iter(sorted(demo))))
    planted = f"A fictional opening. {copied.capitalize()}. A fictional ending."
    assert _shared_runs([planted], demo) == [copied]


def test_the_eval_stories_do_not_repeat_each_other():
    texts = [" ".join(_words(s["text"])) for s in _eval_stories()]
    assert len(set(texts)) == len(texts)


def test_the_counts_table_in_the_readme_matches_the_file():
    stories = _eval_stories()
    counts = Counter(str(n) for s in stories for n in s["outcomes"])
    counts.update(f"`{t}`" for s in stories for t in s["themes"])
    readme = (EVAL_FILE.parent / "README.md").read_text("utf-8")
    rows = re.findall(r"^\| (\d|`[a-z_]+`) \| [^|]+ \| (\d+) \|$", readme, flags=re.MULTILINE)
    assert len(rows) == 26
    assert {code: int(n) for code, n in rows} == dict(counts)


DEV_FILE = EVAL_FILE.parent / "nlp_dev_stories.jsonl"


def test_the_dev_stories_are_valid_and_share_no_text_with_the_eval_set_or_demo_bank():
    dev = [json.loads(line) for line in DEV_FILE.read_text("utf-8").splitlines()]
    themes = _theme_keys()
    for number, story in enumerate(dev, start=1):
        assert all(type(n) is int and 1 <= n <= 6 for n in story["outcomes"]), number
        assert set(story["themes"]) <= themes, (number, set(story["themes"]) - themes)
    held_apart = {run for story in _eval_stories() for run in _runs(story["text"])}
    texts = [story["text"] for story in dev]
    assert _shared_runs(texts, held_apart | _demo_runs()) == []
