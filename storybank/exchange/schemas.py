"""The REFI-QDA schemas shipped in storybank/data/refi_qda, and reading untrusted XML
safely against them (no DTD, no entities, nothing fetched)."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from pathlib import Path
from typing import IO, Any
from xml.etree.ElementTree import Element

import xmlschema
from xmlschema.exceptions import XMLResourceError, XMLResourceForbidden

from storybank.errors import FieldProblem, InvalidInput

CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
PROJECT_NS = "urn:QDA-XML:project:1.0"
SCHEMA_FILES = {CODEBOOK_NS: "Codebook.xsd", PROJECT_NS: "Project.xsd"}
WHAT = {CODEBOOK_NS: "a REFI-QDA codebook (.qdc)", PROJECT_NS: "a REFI-QDA project (.qde)"}
MAX_PROBLEMS = 10


@cache
def schema(namespace: str) -> xmlschema.XMLSchema10:
    """The shipped XSD of this REFI-QDA namespace (loaded once, from the package)."""
    folder = resources.files("storybank.data").joinpath("refi_qda")
    text = folder.joinpath(SCHEMA_FILES[namespace]).read_text("utf-8")
    # Read from its text, with every URL blocked: the schemas import nothing.
    return xmlschema.XMLSchema10(text, allow="none", defuse="always")


def read_xml(source: bytes | Path | IO[bytes], *, field: str = "file") -> Element:
    """Parse XML from an untrusted source: entities and DTDs refused, no URL opened."""
    try:
        resource = xmlschema.XMLResource(source, defuse="always", allow="none")
    except XMLResourceForbidden as exc:
        raise _bad(field, "The file declares a DTD or entities, which are not allowed.") from exc
    except (XMLResourceError, ValueError) as exc:
        raise _bad(field, f"The file is not well-formed XML ({_short(exc)}).") from exc
    root: Element = resource.root
    return root


def validation_problems(root: Element | Any, namespace: str) -> list[str]:
    """What makes this document invalid against the namespace's XSD (at most 10)."""
    found = []
    for error in schema(namespace).iter_errors(root):
        where = f" at {re.sub(r'{[^}]*}', '', error.path)}" if error.path else ""
        found.append(f"{error.reason or error.message}{where}")
        if len(found) >= MAX_PROBLEMS:
            break
    return found


def require_valid(root: Element, namespace: str, *, field: str = "file") -> None:
    """InvalidInput naming the problem unless the document is one of this namespace's,
    valid against its XSD."""
    tag = str(root.tag)
    found_ns = tag[1:].split("}", 1)[0] if tag.startswith("{") else ""
    if found_ns != namespace:
        other = WHAT.get(found_ns)
        said = f"it is {other}" if other else f"its namespace is {found_ns or 'missing'!r}"
        raise _bad(field, f"This is not {WHAT[namespace]}: {said}; expected {namespace!r}.")
    problems = validation_problems(root, namespace)
    if problems:
        raise InvalidInput(
            f"The file is not valid against the REFI-QDA schema: {problems[0]}",
            code="invalid_refi_qda",
            problems=[FieldProblem(field, text) for text in problems],
        )


def _bad(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, code="invalid_xml", problems=[FieldProblem(field, message)])


def _short(exc: Exception) -> str:
    text = str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__
    return text.removeprefix("invalid XML syntax: ")[:200]


# Characters XML 1.0 cannot carry (C0 controls other than tab, newline and return, and
# the non-characters), removed from text before it is written into a REFI-QDA document.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """The text without the characters XML 1.0 cannot hold."""
    return _NOT_XML.sub("", text)
