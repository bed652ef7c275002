"""User accounts from the command line."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Annotated

import typer
from rich.table import Table
from sqlmodel import Session

from storybank import accounts
from storybank.cli.base import console, engine, fail, users_app
from storybank.errors import StorybankError
from storybank.models import Role, require_id
from storybank.units import ensure_root, find_unit_by_name, list_units


@users_app.command("add")
def users_add(
    email: str,
    name: Annotated[str, typer.Option(help="Display name.")],
    role: Annotated[list[str], typer.Option(help="Role (repeat for several).")],
    unit: Annotated[
        list[str] | None,
        typer.Option("--unit", "--site", help="Unit name (repeat); each role is granted at each."),
    ] = None,
    password: Annotated[str | None, typer.Option(help="Omit to generate one.")] = None,
) -> None:
    """Add a user, granting each role at each unit (admin: at the programme); prints a
    generated password if none was given."""
    chosen = password or secrets.token_urlsafe(12)
    if unknown := sorted(set(role) - {r.value for r in Role}):
        console.print(
            f"[red]Unknown role(s):[/red] {', '.join(unknown)}; choose from: "
            f"{', '.join(r.value for r in Role)}."
        )
        raise typer.Exit(1)
    if not unit and any(r != Role.admin for r in role):
        console.print(
            "[red]Say where they hold the role:[/red] add --unit NAME "
            "(a site, region or programme)."
        )
        raise typer.Exit(1)
    with Session(engine()) as session:
        unit_ids = [_unit_id(session, n) for n in unit or []]
        root = require_id(ensure_root(session=session))
        grants = [(r, u) for r in role for u in ([root] if r == Role.admin else unit_ids)]
        try:
            user = accounts.create_user(
                session=session,
                actor=None,
                email=email,
                display_name=name,
                password=chosen,
                grants=grants,
            )
        except StorybankError as error:
            fail(error)
        console.print(f"Added user {user.id}: {user.email}")
        if password is None:
            console.print(f"Password (shown once): {chosen}")


def _unit_id(session: Session, name: str) -> int:
    found = find_unit_by_name(session=session, name=name)
    if found is None or found.id is None:
        console.print(f"[red]Unknown unit:[/red] {name}. See `storybank units list` for the names.")
        raise typer.Exit(1)
    return found.id


@users_app.command("list")
def users_list() -> None:
    """List users with their grants (role at unit) and state."""
    with Session(engine()) as session:
        table = Table("id", "email", "name", "grants", "active")
        names = {u.id: u.name for u in list_units(session=session)}
        for summary in accounts.list_users(session=session):
            user = summary.user
            table.add_row(
                str(user.id),
                user.email,
                user.display_name,
                ", ".join(f"{role} at {names.get(unit, unit)}" for role, unit in summary.grants),
                "yes" if user.is_active else "no",
            )
        console.print(table)


@users_app.command("grant")
def users_grant(
    email: str,
    role: Annotated[str, typer.Option(help="The role to grant.")],
    unit: Annotated[str, typer.Option(help="The unit (site, region or programme) name.")],
) -> None:
    """Grant a role at a unit; it covers every site below that unit."""
    _change_grant(accounts.grant_role, email, role, unit)
    console.print(f"Granted {role} at {unit} to {email}.")


@users_app.command("revoke")
def users_revoke(
    email: str,
    role: Annotated[str, typer.Option(help="The role to take away.")],
    unit: Annotated[str, typer.Option(help="The unit it was granted at.")],
) -> None:
    """Take away a role held at a unit."""
    _change_grant(accounts.revoke_role, email, role, unit)
    console.print(f"Revoked {role} at {unit} from {email}.")


def _change_grant(change: Callable[..., object], email: str, role: str, unit: str) -> None:
    """Grant or revoke (the service given) one role at one unit, by email and unit name."""
    with Session(engine()) as session:
        try:
            change(
                session=session,
                actor=None,
                user_id=_user_id(session, email),
                role=role,
                unit_id=_unit_id(session, unit),
            )
        except StorybankError as error:
            fail(error)


def _user_id(session: Session, email: str) -> int:
    user = accounts.find_user_by_email(session=session, email=email)
    if user is None or user.id is None:
        console.print(f"[red]No user with email {email}.[/red]")
        raise typer.Exit(1)
    return user.id


@users_app.command("disable")
def users_disable(email: str) -> None:
    """Disable an account: its sessions and API tokens stop working at once."""
    with Session(engine()) as session:
        accounts.set_active(
            session=session, actor=None, user_id=_user_id(session, email), active=False
        )
        console.print(f"Disabled {email}.")


@users_app.command("enable")
def users_enable(email: str) -> None:
    """Re-enable a disabled account."""
    with Session(engine()) as session:
        accounts.set_active(
            session=session, actor=None, user_id=_user_id(session, email), active=True
        )
        console.print(f"Enabled {email}.")


@users_app.command("reset-password")
def users_reset_password(
    email: str, password: Annotated[str | None, typer.Option(help="Omit to generate.")] = None
) -> None:
    """Set a new password (generated if not given) and end the user's sessions."""
    chosen = password or secrets.token_urlsafe(12)
    with Session(engine()) as session:
        try:
            accounts.reset_password(
                session=session, actor=None, user_id=_user_id(session, email), password=chosen
            )
        except StorybankError as error:
            fail(error)
    console.print(f"Password reset for {email}." + ("" if password else f" New password: {chosen}"))
