"""User accounts from the command line."""

from __future__ import annotations

import secrets
from typing import Annotated

import typer
from rich.table import Table
from sqlmodel import Session, col, select

from storybank import accounts
from storybank.cli.base import console, engine, fail, users_app
from storybank.errors import StorybankError
from storybank.models import Site, User, UserRole, UserSite


@users_app.command("add")
def users_add(
    email: str,
    name: Annotated[str, typer.Option(help="Display name.")],
    role: Annotated[list[str], typer.Option(help="Role (repeat for several).")],
    site: Annotated[list[str] | None, typer.Option(help="Site name (repeat).")] = None,
    password: Annotated[str | None, typer.Option(help="Omit to generate one.")] = None,
) -> None:
    """Add a user with roles and sites; prints a generated password if none was given."""
    chosen = password or secrets.token_urlsafe(12)
    with Session(engine()) as session:
        site_ids = _site_ids(session, site or [])
        try:
            user = accounts.create_user(
                session=session,
                actor=None,
                email=email,
                display_name=name,
                password=chosen,
                roles=role,
                site_ids=site_ids,
            )
        except StorybankError as error:
            fail(error)
        console.print(f"Added user {user.id}: {user.email}")
        if password is None:
            console.print(f"Password (shown once): {chosen}")


def _site_ids(session: Session, names: list[str]) -> list[int]:
    sites = {s.name.lower(): s.id for s in session.exec(select(Site)).all()}
    missing = [n for n in names if n.lower() not in sites]
    if missing:
        console.print(f"[red]Unknown site(s):[/red] {', '.join(missing)}")
        raise typer.Exit(1)
    return [sites[n.lower()] for n in names if sites[n.lower()] is not None]  # type: ignore[misc]


@users_app.command("list")
def users_list() -> None:
    """List users with their roles, sites and state."""
    with Session(engine()) as session:
        table = Table("id", "email", "name", "roles", "sites", "active")
        sites = {s.id: s.name for s in session.exec(select(Site)).all()}
        for user in session.exec(select(User).order_by(col(User.id))).all():
            roles = session.exec(select(UserRole.role).where(UserRole.user_id == user.id)).all()
            site_ids = session.exec(select(UserSite.site_id).where(UserSite.user_id == user.id))
            table.add_row(
                str(user.id),
                user.email,
                user.display_name,
                ", ".join(roles),
                ", ".join(sites[s] for s in site_ids.all()),
                "yes" if user.is_active else "no",
            )
        console.print(table)


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
