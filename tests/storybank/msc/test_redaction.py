"""Panel reasons in de-identified words: the story's own replacements, then name-like
words the de-identified version dropped."""

from __future__ import annotations

from storybank.msc.redaction import WITHHELD, deidentify_reasons, replaced_spans

ORIGINAL = "Mrs Okafor lives at 12 Elm Road. Her son Dev rang the hub in Ashby."
DEIDENTIFIED = "[Person A] lives at [address]. Her son [Person B] rang the hub in [place]."


def test_the_spans_the_deidentified_version_replaced_are_found():
    assert replaced_spans(ORIGINAL, DEIDENTIFIED) == {
        "Mrs Okafor": "[Person A]",
        "12 Elm Road": "[address]",
        "Dev": "[Person B]",
        "Ashby": "[place]",
    }


def test_reasons_take_the_same_replacements_and_withhold_dropped_names():
    reasons = "We chose Mrs Okafor's story: Dev rang the hub, and Elm Road neighbours helped."
    assert deidentify_reasons(reasons, [ORIGINAL], [DEIDENTIFIED]) == (
        f"We chose [Person A]'s story: [Person B] rang the hub, and {WITHHELD} {WITHHELD} "
        "neighbours helped."
    )


def test_reasons_without_personal_details_are_unchanged():
    reasons = "The panel chose it because the change lasted and came from the community."
    assert deidentify_reasons(reasons, [ORIGINAL], [DEIDENTIFIED]) == reasons


def test_a_rewritten_sentence_still_withholds_the_names_it_held():
    original = "Agnes Whitlow went back to the Tuesday choir at St Mary's with her neighbour Bob."
    rewritten = "[Person] now sings with a local choir again, helped by a neighbour."
    reasons = "Agnes and Bob show what a neighbour can do."
    assert deidentify_reasons(reasons, [original], [rewritten]) == (
        f"{WITHHELD} and {WITHHELD} show what a neighbour can do."
    )
