"""What a cue means where it stands: evidence, negated, hedged, or only context.

The rule (documented in nlp/README.md):
- A *gain* cue describes the change itself ("made friends", "less lonely"). It is evidence
  unless a negator ("did not make friends"), a hedge ("might join") or a counterfactual
  ("would never have gone out") stands before it in the same clause.
- A *problem* cue describes the state a change removes ("lonely", "a care home"). It is
  evidence only with a change marker: "no longer lonely", "lonely ... not any more",
  "did not need a care home", "instead of a care home". A code marked `avoided` also takes
  a counterfactual problem as evidence ("she would have gone into a care home").
  Negated without a change marker ("she was not lonely") it is a statement of state, not a
  change: no evidence. Plain ("she was lonely") it is context, not evidence.
"""

from __future__ import annotations

from collections.abc import Sequence

from nlp.cues.lexicon import Phrases, Scope

EVIDENCE = "evidence"
NEGATED = "negated"
HEDGED = "hedged"
CONTEXT = "context"


def judge(
    lemmas: Sequence[str],
    start: int,
    end: int,
    sent_start: int,
    sent_end: int,
    *,
    kind: str,
    avoided: bool,
    scope: Scope,
) -> str:
    """The status of the cue at lemmas[start:end] within the sentence [sent_start, sent_end)."""
    before = _clause_before(lemmas, start, sent_start, scope)
    after = lemmas[end : min(sent_end, end + 6)]
    changed = _has_any(before, scope.change) or _has_any(after, scope.change_after)
    negated = any(lemma in scope.negators for lemma in before)
    hedged = _has_any(before, scope.hedges)
    counterfactual = _has_any(before, scope.counterfactual)
    if kind == "gain":
        if negated:
            return NEGATED
        return HEDGED if hedged or counterfactual else EVIDENCE
    if changed or (avoided and counterfactual):
        return EVIDENCE
    if negated:
        return NEGATED
    return HEDGED if hedged else CONTEXT


def _clause_before(lemmas: Sequence[str], start: int, sent_start: int, scope: Scope) -> list[str]:
    window = list(lemmas[max(sent_start, start - scope.window) : start])
    for index in range(len(window) - 1, -1, -1):
        if window[index] in scope.boundaries:
            return window[index + 1 :]
    return window


def _has_any(lemmas: Sequence[str], phrases: Phrases) -> bool:
    for index, lemma in enumerate(lemmas):
        for phrase in phrases.get(lemma, ()):
            if tuple(lemmas[index : index + len(phrase)]) == phrase:
                return True
    return False
