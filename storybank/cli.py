"""The `storybank` command: set-up, migrations, demo data, users, import/export, serve."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from storybank import accounts, migrate
from storybank.codebook import load_codebook
from storybank.config import get_settings
from storybank.db import make_engine
from storybank.errors import StorybankError
from storybank.models import Role, Site, StoryStatus, User, UserRole, UserSite
from storybank.register import exporter
from storybank.register.actors import acting_user
from storybank.register.importer import ImportRejected, check_import, import_stories
from storybank.sites import find_site_by_name
from storybank.stories import StoryFilters

app = typer.Typer(
    help="storybank: a change-story bank for Community Led Support.", no_args_is_help=True
)
db_app = typer.Typer(help="Database migrations.", no_args_is_help=True)
users_app = typer.Typer(help="User accounts.", no_args_is_help=True)
codebook_app = typer.Typer(help="The codebook.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
app.add_typer(codebook_app, name="codebook")
console = Console()


def _engine() -> Engine:
    return make_engine(get_settings().resolved_database_url)


def _fail(error: StorybankError) -> None:
    console.print(f"[red]Error:[/red] {error.message}")
    for problem in error.problems:
        console.print(f"  - {problem.field}: {problem.message}")
    raise typer.Exit(1)


@db_app.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Upgrade the database to the latest schema (or REVISION)."""
    engine = _engine()
    migrate.upgrade(engine, revision)
    console.print(f"Database at revision {migrate.current_revision(engine)}.")


@db_app.command("downgrade")
def db_downgrade(revision: str) -> None:
    """Downgrade the database to REVISION ('base' removes every table)."""
    engine = _engine()
    migrate.downgrade(engine, revision)
    console.print(f"Database at revision {migrate.current_revision(engine)}.")


@db_app.command("current")
def db_current() -> None:
    """Show the database's revision and the newest one available."""
    engine = _engine()
    console.print(f"current: {migrate.current_revision(engine)}  head: {migrate.head_revision()}")


@app.command()
def setup() -> None:
    """Migrate, load the codebook and create the first admin if there is none."""
    engine = _engine()
    migrate.upgrade(engine)
    with Session(engine) as session:
        loaded = load_codebook(session=session, actor=None)
        console.print(
            f"Codebook: {len(loaded.added)} added, {len(loaded.updated)} updated, "
            f"{len(loaded.unchanged)} unchanged."
        )
        _ensure_first_admin(session)


def _ensure_first_admin(session: Session) -> None:
    has_admin = session.exec(select(UserRole).where(UserRole.role == Role.admin)).first()
    if has_admin:
        return
    settings = get_settings()
    password = secrets.token_urlsafe(12)
    accounts.create_user(
        session=session,
        actor=None,
        email="admin@localhost",
        display_name="Administrator",
        password=password,
        roles=[Role.admin],
        site_ids=[],
    )
    note = settings.data_dir / "initial-admin.txt"
    note.parent.mkdir(parents=True, exist_ok=True)
    note.write_text(f"email: admin@localhost\npassword: {password}\n")
    note.chmod(0o600)
    console.print(
        f"First admin created: admin@localhost (password saved in {note}; "
        "change it after signing in)."
    )


@app.command()
def demo(if_empty: Annotated[bool, typer.Option(help="Skip if any story exists.")] = False) -> None:
    """Load the fictional demo sites, accounts and stories with their codings."""
    from storybank.demo import DEMO_PASSWORD, demo_stories, has_stories, load_demo

    engine = _engine()
    with Session(engine, expire_on_commit=False) as session:
        if if_empty and has_stories(session):
            console.print("The bank already holds stories; demo data not loaded.")
            return
        with Progress(console=console) as progress:
            task = progress.add_task("Loading demo stories", total=len(demo_stories()))
            result = load_demo(session=session, progress=lambda n: progress.advance(task, n))
    console.print(
        f"Demo data: {result.sites} sites, {result.stories} stories, "
        f"{result.codings} codings, {result.users} accounts."
    )
    console.print(
        f"Demo sign-ins (password [bold]{DEMO_PASSWORD}[/bold]): admin@, staff@, "
        "reviewer@, panel@, facilitator@, evaluator@demo.storybank.local"
    )


@app.command()
def serve(
    host: str = "127.0.0.1", port: int = 8000, reload: bool = False, workers: int = 1
) -> None:
    """Serve the web pages and the API with uvicorn."""
    import uvicorn

    uvicorn.run(
        "api.app:create_app",
        factory=True,
        host=host,
        port=port,
        reload=reload,
        workers=workers,
        proxy_headers=True,
    )


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
    with Session(_engine()) as session:
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
            _fail(error)
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
    with Session(_engine()) as session:
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
    with Session(_engine()) as session:
        accounts.set_active(
            session=session, actor=None, user_id=_user_id(session, email), active=False
        )
        console.print(f"Disabled {email}.")


@users_app.command("enable")
def users_enable(email: str) -> None:
    """Re-enable a disabled account."""
    with Session(_engine()) as session:
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
    with Session(_engine()) as session:
        try:
            accounts.reset_password(
                session=session, actor=None, user_id=_user_id(session, email), password=chosen
            )
        except StorybankError as error:
            _fail(error)
    console.print(f"Password reset for {email}." + ("" if password else f" New password: {chosen}"))


@codebook_app.command("load")
def codebook_load(path: Annotated[Path | None, typer.Argument()] = None) -> None:
    """Load (or re-load) the codebook; idempotent, never deletes a code."""
    import tomllib

    data = tomllib.loads(path.read_text("utf-8")) if path else None
    with Session(_engine()) as session:
        result = load_codebook(session=session, actor=None, data=data)
    console.print(
        f"Codebook: {len(result.added)} added, {len(result.updated)} updated, "
        f"{len(result.unchanged)} unchanged, {len(result.kept_extra)} kept."
    )


# --- The story register: import and export -------------------------------------------------

EXPORT_FORMATS = ("csv", "xlsx", "both")


@app.command("import")
def import_register(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="CSV or XLSX file.")],
    dry_run: Annotated[bool, typer.Option(help="Check every row; write nothing.")] = False,
    as_email: Annotated[
        str | None, typer.Option("--as", help="Whose rights apply (default: the first admin).")
    ] = None,
) -> None:
    """Import stories from a CSV or XLSX register: every row is written, or none."""

    with file.open("rb") as stream:
        content = stream.read(get_settings().max_import_bytes + 1)
    with Session(_engine(), expire_on_commit=False) as session:
        try:
            actor = acting_user(session=session, email=as_email)
            if dry_run:
                report = check_import(
                    session=session, actor=actor, filename=file.name, content=content
                )
            else:
                with Progress(console=console) as bar:
                    task = bar.add_task("Importing stories", total=None)
                    report = import_stories(
                        session=session,
                        actor=actor,
                        filename=file.name,
                        content=content,
                        progress=lambda done, total: bar.update(task, completed=done, total=total),
                    )
        except ImportRejected as rejected:
            assert rejected.report is not None
            report = rejected.report
        except StorybankError as error:
            _fail(error)
    if report.problems:
        table = Table("row", "column", "problem", title="Rows that cannot be imported")
        for problem in report.problems:
            table.add_row(str(problem.row), problem.column, problem.message)
        console.print(table)
    console.print(f"{report.good_rows} of {report.rows} rows are good.")
    if dry_run:
        console.print("Dry run: nothing was written.")
    elif not report.problems:
        count = len(report.created_story_ids)
        console.print(f"Imported {count} {'story' if count == 1 else 'stories'}.")
    if report.problems:
        raise typer.Exit(1)


@app.command("export")
def export_register(
    out: Annotated[Path, typer.Option(help="Folder for the files.")] = Path("exports"),
    format: Annotated[str, typer.Option(help="csv, xlsx or both.")] = "both",
    site: Annotated[str | None, typer.Option(help="Only the stories of this site.")] = None,
    status: Annotated[
        str | None, typer.Option(help="Only stories in this state: draft, submitted, withdrawn.")
    ] = None,
    as_email: Annotated[
        str | None, typer.Option("--as", help="Whose rights apply (default: the first admin).")
    ] = None,
) -> None:
    """Write the story register as story-register-YYYYMMDD.csv / .xlsx in a folder."""

    if format not in EXPORT_FORMATS or status not in (None, *StoryStatus):
        console.print(
            "[red]--format: csv, xlsx or both; --status: draft, submitted, withdrawn.[/red]"
        )
        raise typer.Exit(2)
    with Session(_engine(), expire_on_commit=False) as session:
        try:
            actor = acting_user(session=session, email=as_email)
        except StorybankError as error:
            _fail(error)
        chosen = find_site_by_name(session=session, name=site) if site else None
        if site and chosen is None:
            console.print(f"[red]Unknown site:[/red] {site}")
            raise typer.Exit(1)
        filters = StoryFilters(
            site_id=chosen.id if chosen else None, status=status, sort="created_at"
        )
        formats = [kind for kind in ("csv", "xlsx") if format in (kind, "both")]
        written = exporter.export_to_folder(
            session=session, actor=actor, filters=filters, formats=formats, folder=out
        )
    for path, count in written:
        console.print(f"{path}: {count} {'story' if count == 1 else 'stories'}")


if __name__ == "__main__":
    app()
