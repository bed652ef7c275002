"""The GUIDs REFI-QDA files give every element: derived (uuid5) from a fixed namespace and
what the element is, so exporting again gives the same GUIDs and a code's GUID is the same
in every storybank (its key decides it)."""

from __future__ import annotations

import uuid

# Fixed for ever: changing it would give every exported code and story a new identity.
STORYBANK_NS = uuid.UUID("3974fdd3-f8d2-47fa-9a36-6ba99b819221")


def guid(kind: str, *parts: object) -> str:
    """The GUID of one element, e.g. guid("code", "outcome_1"), upper-case as REFI writes."""
    name = ":".join([kind, *(str(part) for part in parts)])
    return str(uuid.uuid5(STORYBANK_NS, name)).upper()


def code_guid(key: str) -> str:
    """A code's GUID, from its key (stable across exports and banks)."""
    return guid("code", key)
