"""Test fixtures: a fresh, migrated database per test on SQLite and (when configured)
PostgreSQL, the real app on it, and builders for the things tests need."""

from __future__ import annotations

import gc
import itertools
import os

# Command output is checked as text: a wide console keeps rich from wrapping messages at
# whatever width a test worker happens to have.
os.environ.setdefault("COLUMNS", "200")
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlmodel import Session, select

from api.app import create_app
from storybank import migrate
from storybank.codebook import load_codebook
from storybank.config import Settings
from storybank.db import make_engine
from storybank.models import Story
from storybank.review.final import final_code_ids
from storybank.review.final_table import code_set_of, stored_code_sets, stored_final_codes
from tests.builders import SECRET_KEY, make_site, make_user, token_headers

POSTGRES_URL = os.environ.get("STORYBANK_TEST_POSTGRES_URL")
BACKENDS = ["sqlite", "postgres"] if POSTGRES_URL else ["sqlite"]
_RUN_ID = uuid.uuid4().hex[:8]
_counter = itertools.count()


def _admin_engine() -> Engine:
    assert POSTGRES_URL
    url = make_url(POSTGRES_URL).set(drivername="postgresql+psycopg", database="postgres")
    return create_engine(url, isolation_level="AUTOCOMMIT")


def _pg_url(name: str) -> str:
    assert POSTGRES_URL
    url = make_url(POSTGRES_URL).set(drivername="postgresql+psycopg", database=name)
    return url.render_as_string(hide_password=False)


def _prepare(engine: Engine) -> None:
    migrate.upgrade(engine)
    with Session(engine) as session:
        load_codebook(session=session, actor=None)


class DatabaseFactory:
    """Makes throw-away databases from a migrated template, one per test."""

    def __init__(self, backend: str, workdir: Path) -> None:
        self.backend = backend
        self.workdir = workdir
        self.template: str | None = None
        self.tree_template: str | None = None
        self.created: list[str] = []

    def _template(self) -> str:
        if self.template is None:
            if self.backend == "sqlite":
                path = self.workdir / "template.db"
                engine = make_engine(f"sqlite:///{path}")
                _prepare(engine)
                with engine.connect() as conn:
                    conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
                engine.dispose()
                self.template = str(path)
            else:
                name = f"sbtest_{_RUN_ID}_template"
                with _admin_engine().connect() as conn:
                    conn.execute(text(f'CREATE DATABASE "{name}"'))
                engine = make_engine(_pg_url(name))
                _prepare(engine)
                engine.dispose()
                self.template = name
                self.created.append(name)
        return self.template

    def new_url(self, migrated: bool = True, template: str | None = None) -> str:
        """A URL of a new database: migrated to head with the codebook (or a copy of
        `template`, a database this factory made), or empty."""
        n = next(_counter)
        source = template or (self._template() if migrated else None)
        if self.backend == "sqlite":
            path = self.workdir / f"test_{n}.db"
            if source:
                shutil.copyfile(source, path)
            return f"sqlite:///{path}"
        name = f"sbtest_{_RUN_ID}_{n}"
        template = f' TEMPLATE "{source}" STRATEGY FILE_COPY' if source else ""
        with _admin_engine().connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"{template}'))
        self.created.append(name)
        return _pg_url(name)

    def msc_tree_template(self) -> str:
        """A database holding the MSC tests' unit tree (tests/api/msc_tree.py), built once
        per run; tests marked `msc_tree` each get a copy of it, so every test still has a
        database of its own."""
        if self.tree_template is None:
            from tests.api.msc_tree import build_template_tree

            url = self.new_url()
            engine = make_engine(url)
            settings = Settings(
                environment="test",
                data_dir=self.workdir / "tree-data",
                database_url=url,
                secret_key=SECRET_KEY,
                log_level="WARNING",
            )
            with Session(engine, expire_on_commit=False) as session:
                app = create_app(settings=settings, engine=engine)
                with TestClient(app, base_url="http://testserver") as client:
                    build_template_tree(session, client)
            if self.backend == "sqlite":
                with engine.connect() as conn:
                    conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            engine.dispose()
            database = make_url(url).database
            assert database is not None
            self.tree_template = database
        return self.tree_template

    def drop(self, url: str) -> None:
        """Drop a database made by new_url (PostgreSQL) or delete its file (SQLite)."""
        parsed = make_url(url)
        if self.backend == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                Path(f"{parsed.database}{suffix}").unlink(missing_ok=True)
            return
        with _admin_engine().connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
        self.created.remove(str(parsed.database))

    def drop_all(self) -> None:
        if self.backend == "postgres":
            with _admin_engine().connect() as conn:
                for name in list(reversed(self.created)):
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(autouse=True, scope="session")
def _fewer_full_collections() -> Iterator[None]:
    """Freeze what the run has imported (the app's modules, spaCy, scikit-learn) out of the
    garbage collector's scans, and collect young objects less often: full collections over
    that heap, once per few hundred allocations, were a large share of each test's time."""
    gc.collect()
    gc.freeze()
    before = gc.get_threshold()
    gc.set_threshold(10_000, 20, 20)
    yield
    gc.set_threshold(*before)
    gc.unfreeze()


@pytest.fixture(autouse=True, scope="session")
def _quick_password_hashing() -> Iterator[None]:
    """Real argon2, with light parameters: the production cost (~0.25 s a hash) would
    dominate a suite that creates hundreds of accounts."""
    from argon2 import PasswordHasher

    from storybank.accounts import credentials

    production = credentials._hasher
    credentials._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    credentials._hasher = production


@pytest.fixture(scope="session", params=BACKENDS)
def db_factory(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[DatabaseFactory]:
    """One factory per backend for the whole run; every database it made is dropped."""
    factory = DatabaseFactory(request.param, tmp_path_factory.mktemp(f"db-{request.param}"))
    yield factory
    factory.drop_all()


@pytest.fixture
def backend(db_factory: DatabaseFactory) -> str:
    """'sqlite' or 'postgres'."""
    return db_factory.backend


@pytest.fixture
def database_url(request: pytest.FixtureRequest, db_factory: DatabaseFactory) -> Iterator[str]:
    """A fresh database at the latest migration, with the codebook loaded (and, for tests
    marked `msc_tree`, the MSC tests' unit tree)."""
    tree = request.node.get_closest_marker("msc_tree") is not None
    url = db_factory.new_url(template=db_factory.msc_tree_template() if tree else None)
    yield url
    db_factory.drop(url)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    _check_final_codes_in_step(engine)
    engine.dispose()


def _check_final_codes_in_step(engine: Engine) -> None:
    """Every test leaves the stored final codes equal to final.py's definition."""
    if not inspect(engine).has_table("story_final_codes"):
        return
    with Session(engine) as session:
        stored = stored_final_codes(session=session)
        ids = list(session.exec(select(Story.id)).all())
        computed = {
            s: set(c) for s, c in final_code_ids(session=session, story_ids=ids).items() if c
        }
        code_sets = stored_code_sets(session=session)
    assert stored == computed, "story_final_codes is out of step with storybank/review/final.py"
    assert code_sets == {s: code_set_of(c) for s, c in computed.items()}, "stories.code_set"


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(
        environment="test",
        data_dir=tmp_path / "data",
        database_url=database_url,
        secret_key=SECRET_KEY,
        log_level="WARNING",
        login_max_failures=3,
        jobs_backend="inline",
    )


@pytest.fixture
def app(settings: Settings, engine: Engine):  # type: ignore[no-untyped-def]
    return create_app(settings=settings, engine=engine)


@pytest.fixture
def client(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app, base_url="http://testserver") as client:
        yield client


# Shared people and places: a site, a second site, a staff member of the first, their token.


@pytest.fixture
def somerset(session: Session):  # type: ignore[no-untyped-def]
    return make_site(session, "Somerset")


@pytest.fixture
def derby(session: Session):  # type: ignore[no-untyped-def]
    return make_site(session, "Derby")


@pytest.fixture
def staff(session: Session, somerset):  # type: ignore[no-untyped-def]
    return make_user(session, roles=["staff"], sites=[somerset], name="Sam Staff")


@pytest.fixture
def headers(session: Session, staff) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return token_headers(session, staff)


@pytest.fixture(autouse=True)
def _skip_postgres_only(request: pytest.FixtureRequest) -> None:
    """Tests marked postgres_only run only in the PostgreSQL half of the suite."""
    if request.node.get_closest_marker("postgres_only") is None:
        return
    if "db_factory" not in request.fixturenames or request.getfixturevalue("backend") != "postgres":
        pytest.skip("runs only against PostgreSQL")
