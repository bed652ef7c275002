"""An import whose process is killed part-way (SIGKILL: no clean-up runs) leaves nothing."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

from sqlmodel import col, func, select

from storybank.models import AuditEvent, Coding, Story
from tests.register.files import good_row, write_csv_file

KILLED_IMPORT = """
import os, signal, sys
from sqlmodel import Session
from storybank.access import load_actor
from storybank.config import Settings
from storybank.db import make_engine
from storybank.models import User
from storybank.register import importer

url, user_id, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
importer.BATCH_SIZE = 2


def progress(done, total):
    if done >= 4:  # two batches written inside the transaction, not yet committed
        os.kill(os.getpid(), signal.SIGKILL)


with Session(make_engine(url)) as session:
    actor = load_actor(session=session, user=session.get(User, user_id))
    importer.import_stories(
        session=session, actor=actor, filename="s.csv", content=open(path, "rb").read(),
        progress=progress, settings=Settings(environment="test", secret_key="k" * 40),
    )
"""


def _count(session, model) -> int:
    session.expire_all()
    return session.exec(select(func.count()).select_from(model)).one()


def test_an_import_killed_part_way_writes_nothing(tmp_path, engine, session, somerset, staff):
    path = tmp_path / "s.csv"
    write_csv_file(path, [good_row("Somerset", themes="community_hub")] * 6)
    events_before = _count(session, AuditEvent)
    url = engine.url.render_as_string(hide_password=False)

    killed = subprocess.run(
        [sys.executable, "-c", KILLED_IMPORT, url, str(staff.id), str(path)],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        timeout=300,
    )

    assert killed.returncode == -signal.SIGKILL, killed.stderr.decode()
    assert _count(session, Story) == 0
    assert _count(session, Coding) == 0
    assert _count(session, AuditEvent) == events_before
    imports = select(func.count()).where(col(AuditEvent.action) == "register.import")
    assert session.exec(imports).one() == 0
