"""What nlp/ takes and gives: plain, frozen dataclasses. No spaCy object and no database row
crosses this line, so the services in storybank/ and the tests can use nlp/ through these alone.

- A story goes in as a `StoryText` (its text fields by name, plus the structured fields that
  are strong signals: contact route, story type, weekly costs). Plain text from a gold file or
  stdin is `StoryText.from_text(...)`, whose one field is called "text".
- A code of the codebook goes in as a `CodeSpec`.
- A suggestion comes out as a `CodeSuggestion`: the code's key, a calibrated confidence, the
  model version, and 1-3 `Evidence` sentences as character offsets into the field they came
  from. A code with no evidence sentence is never suggested.
- Training takes `LabelledStory` items (a story and the keys of its final codes).
- Personal data comes out as `PersonalData` spans; de-identification as `Deidentified`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

PLAIN_TEXT_FIELD = "text"


@dataclass(frozen=True)
class CodeSpec:
    """One code of the codebook, as nlp/ needs it."""

    key: str
    kind: str  # "outcome" or "theme"
    label: str
    description: str = ""
    number: int | None = None
    cue_phrases: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()


@dataclass(frozen=True)
class StoryText:
    """A story's text fields by name, plus the structured fields that carry signal."""

    fields: Mapping[str, str]
    contact_route: str | None = None
    story_type: str | None = None
    weekly_cost_before: float | None = None
    weekly_cost_after: float | None = None

    @classmethod
    def from_text(cls, text: str) -> StoryText:
        """A story known only as one piece of text (gold files, stdin)."""
        return cls(fields={PLAIN_TEXT_FIELD: text})

    def joined(self) -> str:
        """All text fields in order, blank-line separated (for whole-story features)."""
        return "\n\n".join(text for text in self.fields.values() if text)


@dataclass(frozen=True)
class Evidence:
    """A sentence that supports a suggestion: offsets into `StoryText.fields[field]`."""

    field: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class CodeSuggestion:
    """A code the model proposes for a story."""

    code_key: str
    confidence: float
    model_version: str
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class LabelledStory:
    """A story with the keys of its final codes: one training or gold example."""

    story: StoryText
    codes: frozenset[str]
    judged: frozenset[str] | None = None  # kinds coded ("outcome", "theme"); None: all


@dataclass(frozen=True)
class CodeMetrics:
    """One code's cross-validated (or gold) figures."""

    precision: float
    recall: float
    f1: float
    kappa: float
    support: int
    threshold: float | None = None


@dataclass(frozen=True)
class ModelInfo:
    """What a trained model says about itself (saved beside it as JSON)."""

    version: str
    codebook_version: str
    labels: tuple[str, ...]
    training_size: int
    library_versions: Mapping[str, str]
    per_code: Mapping[str, CodeMetrics]
    summary: Mapping[str, float] = field(default_factory=dict)
    trained_at: str = ""
    options: Mapping[str, float | int | bool | str] = field(default_factory=dict)  # TrainOptions


class Suggester(Protocol):
    """Anything that suggests codes for stories (the trained model, or a test double)."""

    @property
    def info(self) -> ModelInfo: ...

    def suggest(self, story: StoryText) -> list[CodeSuggestion]: ...

    def suggest_many(self, stories: Sequence[StoryText]) -> list[list[CodeSuggestion]]: ...


@dataclass(frozen=True)
class PersonalData:
    """One piece of personal data found in a text: its kind and where it is."""

    kind: str  # person_name, phone, email, postcode, nhs_number, date_of_birth, address
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Deidentified:
    """Text fields with personal data replaced, and what was found in each field."""

    fields: Mapping[str, str]
    found: Mapping[str, tuple[PersonalData, ...]]
    replacements: Mapping[str, str]  # original text -> "[Person A]", "[phone]", ...


@dataclass(frozen=True)
class TrainOptions:
    """How a suggestion model is trained (recorded with it, so two can be compared)."""

    c: float = 1.0  # inverse regularisation of each code's logistic regression
    cue_weight: float = 1.0
    recall_beta: float = 1.5  # thresholds maximise F-beta: beta > 1 favours recall
    min_positive: int = 3  # below this many positive stories a code runs on its cues alone
    prior_strength: float = 10.0  # how many positive stories before words outweigh cues
    vector_weight: float = 0.5  # scale of the GloVe features (0: no word vectors)
    folds: int = 5
    pipeline: str = "blank"  # "blank" (nlp/config.cfg) or an installed spaCy pipeline's name

    def as_dict(self) -> dict[str, float | int | bool | str]:
        """The options as plain JSON values."""
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


@dataclass(frozen=True)
class CrossValidation:
    """Cross-validated figures per code and in summary, with the folds that produced them."""

    per_code: Mapping[str, CodeMetrics]
    summary: Mapping[str, float]
    folds: int
    seed: int
    size: int


@dataclass(frozen=True)
class ReliabilityBin:
    """Suggestions whose confidence fell in [low, high): how many, and how many were accepted."""

    low: float
    high: float
    count: int
    accepted: int
    mean_confidence: float

    @property
    def acceptance(self) -> float | None:
        """The observed acceptance rate (None for an empty bin)."""
        return self.accepted / self.count if self.count else None
