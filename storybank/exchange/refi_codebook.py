"""The codebook as a REFI-QDA codebook (.qdc) and back.

Export: every code (retired ones too, as not codable) in the codebook's parent tree, each
with a GUID derived from its key, its label as name, and a description that ends with a
storybank block (its key and cue phrases) so that a codebook read back, here or in another
storybank, keeps them. Sets group the outcomes and the themes.

Import (admins): the file is checked against the XSD first, then every code in it is
matched to a code here by the key in its storybank block (or, from other software, by its
GUID, else by a key made from its name). New codes are added as themes; existing ones are
updated only where the codebook's rules allow (storybank/codebook_admin.py); nothing is
deleted. Every change is audited, and the import is written whole or not at all.
"""

from __future__ import annotations

from collections.abc import Iterator
from xml.etree import ElementTree as ET

from sqlmodel import Session, col, select

from storybank import __version__
from storybank.access import Actor, require_role
from storybank.exchange.code_text import description_text
from storybank.exchange.guids import code_guid, guid
from storybank.exchange.qdc_applying import CodebookImport, apply_entries
from storybank.exchange.qdc_reading import check_size, read_entries
from storybank.exchange.schemas import CODEBOOK_NS, read_xml, require_valid, xml_safe
from storybank.models import Code, CodeKind, Role

ORIGIN = f"storybank {__version__}"
# One colour per outcome (Okabe-Ito, told apart without colour vision); a theme takes the
# colour of the outcome it sits under. Colour is never the only sign: names say it all.
OUTCOME_COLOURS = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00")
THEME_COLOUR = "#999999"
SETS = (("outcomes", "CLS outcomes", CodeKind.outcome), ("themes", "Themes", CodeKind.theme))


def export_codebook_qdc(*, session: Session, actor: Actor) -> bytes:
    """The whole codebook (retired codes too) as a REFI-QDA .qdc document."""
    codes = _all_codes(session)
    # Names are written unqualified under a default namespace declared on the root.
    root = ET.Element("CodeBook", {"xmlns": CODEBOOK_NS, "origin": ORIGIN})
    codes_element = ET.SubElement(root, "Codes")
    for element in code_elements(codes):
        codes_element.append(element)
    sets = ET.SubElement(root, "Sets")
    for name, label, kind in SETS:
        member_set = ET.SubElement(sets, "Set", {"guid": guid("set", name), "name": label})
        for code in codes:
            if code.kind == kind:
                ET.SubElement(member_set, "MemberCode", {"guid": code_guid(code.key)})
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _all_codes(session: Session) -> list[Code]:
    return list(session.exec(select(Code).order_by(col(Code.sort_order), col(Code.id))).all())


def code_elements(codes: list[Code]) -> Iterator[ET.Element]:
    """The <Code> trees of these codes, each under its parent, in codebook order (names
    unqualified: the document's default namespace applies). Shared with the project."""
    children: dict[int | None, list[Code]] = {}
    known = {code.id for code in codes}
    for code in codes:
        parent = code.parent_id if code.parent_id in known else None
        children.setdefault(parent, []).append(code)
    colours = _colours(codes)

    def element(code: Code, seen: frozenset[int]) -> ET.Element:
        made = ET.Element("Code", _attributes(code, colours))
        ET.SubElement(made, "Description").text = description_text(code)
        for child in children.get(code.id, []):
            if child.id not in seen:  # a cycle cannot be made, but never loop on one
                made.append(element(child, seen | {child.id or 0}))
        return made

    for top in children.get(None, []):
        yield element(top, frozenset({top.id or 0}))


def _attributes(code: Code, colours: dict[int, str]) -> dict[str, str]:
    return {
        "guid": code_guid(code.key),
        "name": xml_safe(code.label),
        "isCodable": "true" if code.active else "false",
        "color": colours.get(code.id or 0, THEME_COLOUR),
    }


def _colours(codes: list[Code]) -> dict[int, str]:
    """Each code's colour: its outcome's, found up the parent links."""
    by_id = {code.id or 0: code for code in codes}
    found: dict[int, str] = {}
    for code in codes:
        current: Code | None = code
        for _ in range(len(codes)):
            if current is None or current.kind == CodeKind.outcome:
                break
            current = by_id.get(current.parent_id or 0)
        if current is not None and current.kind == CodeKind.outcome and current.number:
            found[code.id or 0] = OUTCOME_COLOURS[(current.number - 1) % len(OUTCOME_COLOURS)]
    return found


def import_codebook_qdc(*, session: Session, actor: Actor, content: bytes) -> CodebookImport:
    """Add and update codes from a .qdc file (admins): all of it, or nothing on a problem."""
    require_role(actor, Role.admin)
    root = read_xml(check_size(content))
    require_valid(root, CODEBOOK_NS)
    entries = read_entries(root, existing=_all_codes(session))
    return apply_entries(session=session, actor=actor, entries=entries)
