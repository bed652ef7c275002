"""Set-up, migrations, demo data, the codebook and serving."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress
from sqlmodel import Session, select

from storybank import accounts, migrate
from storybank.cli.base import (
    app,
    codebook_app,
    console,
    db_app,
    existing_engine,
    new_or_existing_engine,
)
from storybank.cli.base import engine as open_engine
from storybank.codebook import load_codebook
from storybank.config import get_settings
from storybank.learning import TrainingResult
from storybank.models import Grant, Role, require_id
from storybank.msc.domains import ensure_open_domain
from storybank.units import ensure_root


@db_app.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Upgrade the database to the latest schema (or REVISION)."""
    engine = new_or_existing_engine()
    migrate.upgrade(engine, revision)
    console.print(f"Database at revision {migrate.current_revision(engine)}.")


@db_app.command("downgrade")
def db_downgrade(revision: str) -> None:
    """Downgrade the database to REVISION ('base' removes every table)."""
    engine = existing_engine()
    migrate.downgrade(engine, revision)
    console.print(f"Database at revision {migrate.current_revision(engine)}.")


@db_app.command("current")
def db_current() -> None:
    """Show the database's revision and the newest one available."""
    engine = existing_engine()
    console.print(f"current: {migrate.current_revision(engine)}  head: {migrate.head_revision()}")


@app.command()
def setup() -> None:
    """Migrate, load the codebook and create the first admin if there is none."""
    engine = new_or_existing_engine()
    migrate.upgrade(engine)
    with Session(engine) as session:
        loaded = load_codebook(session=session, actor=None)
        console.print(
            f"Codebook: {len(loaded.added)} added, {len(loaded.updated)} updated, "
            f"{len(loaded.unchanged)} unchanged."
        )
        ensure_open_domain(session=session)
        session.commit()
        _ensure_first_admin(session)


def _ensure_first_admin(session: Session) -> None:
    has_admin = session.exec(select(Grant).where(Grant.role == Role.admin)).first()
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
        grants=[(Role.admin.value, require_id(ensure_root(session=session)))],
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
def demo(
    if_empty: Annotated[bool, typer.Option(help="Skip if any story exists.")] = False,
    scale: Annotated[
        int | None,
        typer.Option(min=1, max=10_000_000, help="Also generate N synthetic stories in bulk."),
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed for --scale (same seed, same stories).")] = 0,
) -> None:
    """Load the fictional demo sites, accounts and stories with their codings."""
    from storybank.demo import DEMO_PASSWORD, demo_stories, has_stories, load_demo

    engine = open_engine()
    with Session(engine, expire_on_commit=False) as session:
        if if_empty and has_stories(session):
            console.print("The bank already holds stories; demo data not loaded.")
            return
        if scale is not None:
            _generate_scale(session, scale, seed)
            return
        with Progress(console=console) as progress:
            task = progress.add_task("Loading demo stories", total=len(demo_stories()))
            result = load_demo(session=session, progress=lambda n: progress.advance(task, n))
        trained = _train_demo_model(session)
    console.print(
        f"Demo data: {result.sites} sites, {result.stories} stories, "
        f"{result.codings} codings, {result.users} accounts."
    )
    if trained is not None:
        console.print(
            f"Suggestion model {trained.version}: trained on {trained.training_size} coded "
            "stories and activated (`storybank nlp models` shows its figures); the stories "
            "in reviewer@'s review queue have its suggestions."
        )
    console.print(
        f"Demo sign-ins (password [bold]{DEMO_PASSWORD}[/bold]): admin@, staff@, "
        "reviewer@, panel@, facilitator@, evaluator@demo.storybank.local"
    )


def _train_demo_model(session: Session) -> TrainingResult | None:
    from storybank.cli.nlp_models import stage_bar
    from storybank.demo import train_demo_model

    with Progress(console=console, transient=True) as bar:
        return train_demo_model(session=session, progress=stage_bar(bar))


def _generate_scale(session: Session, count: int, seed: int) -> None:
    from storybank.demo_scale import generate_stories

    with Progress(console=console) as progress:
        task = progress.add_task(f"Generating {count:,} stories", total=count)
        result = generate_stories(
            session=session, count=count, seed=seed, progress=lambda n: progress.advance(task, n)
        )
    console.print(
        f"Generated {result.stories:,} stories, {result.codings:,} codings and "
        f"{result.deidentified:,} de-identified versions and {result.rounds:,} closed MSC "
        f"rounds in {result.seconds:.1f} s."
    )


@app.command()
def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    reload: bool = False,
    workers: int = 1,
    forwarded_allow_ips: Annotated[
        str, typer.Option(help="Proxies trusted for X-Forwarded-For/-Proto (comma-separated).")
    ] = "127.0.0.1",
) -> None:
    """Serve the web pages and the API with uvicorn (behind an HTTPS proxy in production)."""
    import uvicorn

    from storybank.access_log import server_log_config

    uvicorn.run(
        "api.app:create_app",
        log_config=server_log_config(),
        forwarded_allow_ips=forwarded_allow_ips,
        factory=True,
        host=host,
        port=port,
        reload=reload,
        workers=workers,
        proxy_headers=True,
    )


@codebook_app.command("load")
def codebook_load(path: Annotated[Path | None, typer.Argument()] = None) -> None:
    """Load (or re-load) the codebook; idempotent, never deletes a code."""
    import tomllib

    data = tomllib.loads(path.read_text("utf-8")) if path else None
    with Session(open_engine()) as session:
        result = load_codebook(session=session, actor=None, data=data)
    console.print(
        f"Codebook: {len(result.added)} added, {len(result.updated)} updated, "
        f"{len(result.unchanged)} unchanged, {len(result.kept_extra)} kept."
    )
