"""Reviewing: suggestions, decisions, blind double coding, adjudication, final codes.

Modules: `final` (what a story's final codes are), `suggesting` (the suggest_codes job),
`deciding` (accept, reject, add, finish), `assigning` (blind double coding), `adjudicating`,
`queue` (a reviewer's stories, oldest first), `counting` (decisions for the learning loop).
This package imports none of them eagerly, so `storybank.stories` can use `final`.
"""

from __future__ import annotations

from storybank.review.counting import decision_counts, decisions_since

__all__ = ["decision_counts", "decisions_since"]
