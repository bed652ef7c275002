"""Time the personal-data detector: loading it, then de-identifying each demo story.

    python bench/nlp_personal_data.py [--runs 3]

Prints the load time (imports, word lists and recognizers, first call) and the per-story
time of `nlp.deidentify` over every text field of the demo bank's stories, p50 and p95, in
milliseconds, with the stories' mean length in words. Not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TEXT_FIELDS = ("title", "what_mattered", "what_happened", "what_changed", "before_cls")
FIELDS = (*TEXT_FIELDS, "why_significant")


def demo_stories() -> list[dict[str, str]]:
    """Every demo story's text fields, as `deidentify` takes them."""
    stories = []
    for path in sorted((ROOT / "storybank" / "data" / "demo").glob("stories_*.toml")):
        for story in tomllib.loads(path.read_text(encoding="utf-8"))["story"]:
            fields = {name: story.get(name, "") for name in FIELDS}
            fields["community_solutions"] = "\n".join(story.get("community_solutions", []))
            stories.append(fields)
    return stories


def main() -> None:
    """Print load time and per-story figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="passes over the demo stories")
    runs = parser.parse_args().runs
    started = time.perf_counter()
    import nlp

    nlp.deidentify({"text": "Warm-up: Ann rang 07700 900123."})
    load = time.perf_counter() - started
    stories = demo_stories()
    words = statistics.mean(len(" ".join(story.values()).split()) for story in stories)
    times = []
    for _ in range(runs):
        for story in stories:
            began = time.perf_counter()
            nlp.deidentify(story)
            times.append((time.perf_counter() - began) * 1000)
    p95 = statistics.quantiles(times, n=20)[-1]
    print(f"load (imports, word lists, recognizers, first call): {load:.2f} s")
    print(f"{len(stories)} demo stories, {words:.0f} words on average, {runs} passes")
    print(f"per story: p50 {statistics.median(times):.1f} ms, p95 {p95:.1f} ms")


if __name__ == "__main__":
    main()
