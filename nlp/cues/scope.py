"""What a cue means where it stands: evidence, negated, hedged, or only context.

The rule (documented in nlp/README.md):
- A cue whose clause names someone else as the one changing (a code's `not_after` words:
  "staff felt more confident" is not the person's confidence) is not evidence.
- A *gain* cue describes the change itself ("made friends", "less lonely"). It is evidence
  unless a negator ("did not make friends"), a hedge ("might join") or a counterfactual
  ("would never have gone out") stands before it in the same clause.
- A *problem* cue describes the state a change removes ("lonely", "a care home"). It is
  evidence only with a change marker: "no longer lonely", "lonely ... not any more",
  "did not need a care home", "instead of a care home". A code marked `avoided` (its change
  is that something did not happen) also takes a counterfactual or negated problem as
  evidence ("she would have gone into a care home", "he has not been admitted", "a nursing
  placement would have cost £900 a week").
  Negated without a change marker ("she was not lonely") it is a statement of state, not a
  change: no evidence. Plain ("she was lonely") it is context, not evidence.
"""

from __future__ import annotations

from collections.abc import Sequence

from nlp.cues.lexicon import CodeCues, Phrases, Scope

EVIDENCE = "evidence"
NEGATED = "negated"
HEDGED = "hedged"
CONTEXT = "context"
CHANGE_WINDOW = 8  # a change marker may stand further back ("instead of a move to a care home")


def judge(
    lemmas: Sequence[str],
    start: int,
    end: int,
    sent_start: int,
    sent_end: int,
    *,
    kind: str,
    cues: CodeCues,
    scope: Scope,
) -> str:
    """The status of the cue at lemmas[start:end] within the sentence [sent_start, sent_end)."""
    whole_clause = _clause_before(lemmas, start, sent_start, scope)
    if cues.not_after and cues.not_after.intersection(whole_clause):
        return NEGATED
    before = whole_clause[-scope.window :] if scope.window else []
    negated = any(lemma in scope.negators for lemma in before)
    hedged = _has_any(before, scope.hedges)
    counterfactual = _has_any(before, scope.counterfactual)
    if kind == "gain":
        return NEGATED if negated else HEDGED if hedged or counterfactual else EVIDENCE
    after = lemmas[end : min(sent_end, end + 6)]
    changed = _has_any(whole_clause[-CHANGE_WINDOW:], scope.change) or _has_any(
        after, scope.change_after
    )
    expected = (
        counterfactual or _has_any(before, scope.expected) or _has_any(after, scope.expected_after)
    )
    if changed or (cues.avoided and (expected or negated)):
        return EVIDENCE
    return NEGATED if negated else HEDGED if hedged else CONTEXT


def _clause_before(lemmas: Sequence[str], start: int, sent_start: int, scope: Scope) -> list[str]:
    """The words before the cue in its sentence, back to the last clause boundary."""
    boundaries = scope.boundaries
    for index in range(start - 1, sent_start - 1, -1):
        if lemmas[index] in boundaries:
            return list(lemmas[index + 1 : start])
    return list(lemmas[sent_start:start])


def _has_any(lemmas: Sequence[str], phrases: Phrases) -> bool:
    for index, lemma in enumerate(lemmas):
        for phrase in phrases.get(lemma, ()):
            if tuple(lemmas[index : index + len(phrase)]) == phrase:
                return True
    return False
