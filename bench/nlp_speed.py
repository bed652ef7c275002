"""Speed of the code suggestions: latency, batch throughput beside bare spaCy, training, RSS.

    .venv/bin/python bench/nlp_speed.py [--runs 5]

Trains on the demo bank (timed), then suggests for 300-word stories made from the demo texts:
p50/p95 latency one story at a time, batch stories/second beside the bare tokenise+lemmatise
throughput of the same texts in the same run (the two taken in turn, best of each), and the
process's resident memory.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import spacy

import nlp
from bench.nlp_data import demo_stories, shipped_codebook
from nlp import lemmas as _lemmas  # noqa: F401  (registers storybank_lemmatizer)
from nlp.interface import StoryText

WORDS = 300


def three_hundred_words(texts: list[str]) -> list[str]:
    """Each demo text cut or repeated to exactly 300 words."""
    found = []
    for text in texts:
        words = text.split()
        while len(words) < WORDS:
            words = words + words
        found.append(" ".join(words[:WORDS]))
    return found


def rss_mb() -> float:
    """Resident set size of this process now, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def percentile(values: list[float], share: float) -> float:
    """The share-th percentile of the values (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def latencies_ms(model: nlp.TrainedModel, stories: list[StoryText], runs: int) -> list[float]:
    """Milliseconds per `suggest` call, one story at a time."""
    found = []
    for _ in range(runs):
        for story in stories:
            began = time.perf_counter()
            model.suggest(story)
            found.append((time.perf_counter() - began) * 1000)
    return found


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    codes, version = shipped_codebook()
    examples = demo_stories()
    started = time.perf_counter()
    trained = nlp.train_model(examples, codes, codebook_version=version)
    training = time.perf_counter() - started
    model = nlp.load_model(trained.to_bytes())
    texts = three_hundred_words([e.story.joined() for e in examples])
    stories = [StoryText.from_text(t) for t in texts]
    model.suggest_many(stories[:5])
    latencies = latencies_ms(model, stories, args.runs)
    bare = spacy.blank("en")
    bare.add_pipe("storybank_lemmatizer")
    list(bare.pipe(texts[:5]))
    bare_rate, ours_rate = _rates(
        [lambda: list(bare.pipe(texts, batch_size=64)), lambda: model.suggest_many(stories)],
        len(texts),
        args.runs,
    )
    print(f"training on the demo bank ({len(examples)} stories): {training:.1f} s")
    print(
        f"suggest, one {WORDS}-word story: p50 {percentile(latencies, 0.5):.1f} ms, "
        f"p95 {percentile(latencies, 0.95):.1f} ms ({len(latencies)} calls)"
    )
    print(
        f"batch: {ours_rate:.0f} stories/s; bare tokenise+lemmatise {bare_rate:.0f} stories/s "
        f"({100 * ours_rate / bare_rate:.0f}%)"
    )
    print(f"RSS with the model loaded: {rss_mb():.0f} MB")


def _rates(runs: list[Callable[[], object]], count: int, repeats: int) -> list[float]:
    """Stories per second of each run, best of `repeats`, taken in turn (load hits all alike)."""
    best = [float("inf")] * len(runs)
    for _ in range(repeats):
        for position, run in enumerate(runs):
            began = time.perf_counter()
            run()
            best[position] = min(best[position], time.perf_counter() - began)
    return [count / seconds for seconds in best]


if __name__ == "__main__":
    main()
