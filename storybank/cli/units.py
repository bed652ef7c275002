"""Organisational units from the command line: list the tree, add a unit, move one."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table
from sqlmodel import Session

from storybank import units
from storybank.cli.base import console, engine, fail, units_app
from storybank.config import get_settings
from storybank.errors import StorybankError


@units_app.command("list")
def units_list() -> None:
    """The unit tree: each unit with its level and the number of sites it covers."""
    with Session(engine()) as session:
        table = Table("id", "unit", "level", "sites covered")
        for node in units.unit_tree(session=session):
            indent = "  " * node.depth
            table.add_row(
                str(node.unit.id), indent + node.unit.name, node.unit.level, str(node.sites)
            )
        console.print(table)


def _parent_id(session: Session, name: str | None) -> int | None:
    if not name:
        return None
    found = units.find_unit_by_name(session=session, name=name)
    if found is None:
        console.print(f"[red]Unknown unit:[/red] {name}. See `storybank units list`.")
        raise typer.Exit(1)
    return found.id


@units_app.command("add")
def units_add(
    name: str,
    level: Annotated[str, typer.Option(help="site, region or programme (or your levels).")],
    parent: Annotated[str | None, typer.Option(help="The unit above it.")] = None,
) -> None:
    """Add a unit under a parent of a higher level."""
    with Session(engine()) as session:
        try:
            unit = units.create_unit(
                session=session,
                actor=None,
                name=name,
                level=level,
                parent_id=_parent_id(session, parent),
                levels=get_settings().unit_levels,
            )
        except StorybankError as error:
            fail(error)
        console.print(f"Added {unit.level} {unit.name} (id {unit.id}).")


@units_app.command("move")
def units_move(
    name: str,
    parent: Annotated[str | None, typer.Option(help="The new unit above it (omit: top).")] = None,
) -> None:
    """Put a unit under another parent."""
    with Session(engine()) as session:
        try:
            found = units.find_unit_by_name(session=session, name=name)
            if found is None or found.id is None:
                console.print(f"[red]Unknown unit:[/red] {name}.")
                raise typer.Exit(1)
            units.move_unit(
                session=session,
                actor=None,
                unit_id=found.id,
                parent_id=_parent_id(session, parent),
                levels=get_settings().unit_levels,
            )
        except StorybankError as error:
            fail(error)
    console.print(f"Moved {name}.")
