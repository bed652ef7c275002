#!/usr/bin/env python3
"""Set up storybank's virtual environment and run it: the two Quick start commands.

    python3 dev.py serve [--demo] [--port 8000]   set up, migrate, (load demo data), serve
    python3 dev.py test [pytest args...]          set up with test tools, run the whole suite
    python3 dev.py lock                           regenerate the hashed requirement files

Only the standard library is used here, so this runs on a machine with nothing but python3.
Installing is skipped when the requirement files have not changed since the last run,
so a second run starts in seconds.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / "python"


def _stamp_for(profile: str) -> str:
    """Hash of everything that decides what gets installed for a profile."""
    digest = hashlib.sha256()
    for name in (f"requirements/{profile}.txt", "requirements/bootstrap.txt", "pyproject.toml"):
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def ensure_environment(profile: str) -> None:
    """Create .venv and install the locked requirements for 'base' or 'dev' if needed."""
    stamp_file = VENV / f".storybank-{profile}.stamp"
    wanted = _stamp_for(profile)
    if stamp_file.exists() and stamp_file.read_text() == wanted:
        return
    if not PYTHON.exists():
        print("Creating the virtual environment in .venv ...", flush=True)
        # Seeding pip into a new venv takes seconds; skip it when this python's own pip
        # can install into the venv (pip >= 22.3 knows --python).
        venv.EnvBuilder(with_pip=_outer_pip() is None).create(VENV)
    print(f"Installing locked {profile} requirements (hash-checked) ...", flush=True)
    installer = _installer()
    subprocess.run(
        [*installer, "--require-hashes", "-r", f"requirements/{profile}.txt"], cwd=ROOT, check=True
    )
    subprocess.run(
        [*installer, "--no-deps", "--no-build-isolation", "-e", "."], cwd=ROOT, check=True
    )
    for other in VENV.glob(".storybank-*.stamp"):
        other.unlink()
    stamp_file.write_text(wanted)


def _outer_pip() -> list[str] | None:
    """This python's pip aimed at .venv, if it is new enough to do that."""
    found = subprocess.run(
        [sys.executable, "-m", "pip", "--version"], capture_output=True, text=True
    )
    if found.returncode != 0:
        return None
    major, minor = (int(part) for part in found.stdout.split()[1].split(".")[:2])
    if (major, minor) < (22, 3):
        return None
    return [sys.executable, "-m", "pip", "--python", str(PYTHON)]


def _installer() -> list[str]:
    """uv (hash-pinned in requirements/bootstrap.txt) for speed; pip if uv cannot be had."""
    inner = subprocess.run([str(PYTHON), "-m", "pip", "--version"], capture_output=True)
    base = [str(PYTHON), "-m", "pip"] if inner.returncode == 0 else _outer_pip()
    assert base is not None, "the virtual environment has no pip and none can reach it"
    pip = [*base, "--disable-pip-version-check", "-q"]
    uv = BIN / "uv"
    if not uv.exists():
        bootstrap = [*pip, "install", "--require-hashes", "-r", "requirements/bootstrap.txt"]
        if subprocess.run(bootstrap, cwd=ROOT).returncode != 0:
            print("uv could not be installed; falling back to pip (slower).", flush=True)
            return [*pip, "install", "--no-compile"]
    # Compiled bytecode makes every later start faster (some machines never write .pyc).
    return [str(uv), "pip", "install", "-q", "--compile-bytecode", "--python", str(PYTHON)]


def run(args: list[str]) -> int:
    """Run a command inside the virtual environment, returning its exit code."""
    env = dict(os.environ, VIRTUAL_ENV=str(VENV), PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}")
    return subprocess.run(args, cwd=ROOT, env=env).returncode


def serve(argv: list[str]) -> int:
    """Migrate the embedded database, optionally load demo data, then serve."""
    ensure_environment("base")
    demo = "--demo" in argv
    port = os.environ.get("STORYBANK_PORT", "8000")
    if "--port" in argv:
        port = argv[argv.index("--port") + 1]
    env_args = [str(BIN / "storybank")]
    if run([*env_args, "setup"]) != 0:
        return 1
    if demo and run([*env_args, "demo", "--if-empty"]) != 0:
        return 1
    return run([*env_args, "serve", "--host", "127.0.0.1", "--port", port])


def test(argv: list[str]) -> int:
    """Install the test tools, lint and type-check, then run the whole test suite."""
    ensure_environment("dev")
    checks = [
        [str(BIN / "ruff"), "check", "."],
        [str(BIN / "ruff"), "format", "--check", "--quiet", "."],
        [str(BIN / "mypy"), "storybank", "api", "web", "migrations"],
    ]
    for check in checks:
        if run(check) != 0:
            return 1
    return run([str(PYTHON), "-m", "pytest", *_parallel(argv), *argv])


def _parallel(argv: list[str]) -> list[str]:
    """Spread the suite over every core (pytest-xdist) unless the caller chose otherwise;
    each worker makes its own throw-away databases, so tests stay isolated."""
    chosen = any(arg.startswith(("-n", "--numprocesses", "--dist")) for arg in argv)
    return [] if chosen or "no:xdist" in argv else ["-n", "auto"]


def lock(_: list[str]) -> int:
    """Regenerate requirements/*.txt with exact versions and hashes (needs pip-tools)."""
    ensure_environment("dev")
    # The venv may have no pip of its own; install pip-tools the way everything else is.
    if subprocess.run([*_installer(), "pip-tools"], cwd=ROOT).returncode != 0:
        return 1
    flags = [
        "--generate-hashes",
        "--no-emit-index-url",
        "--no-emit-find-links",
        "--allow-unsafe",
        "--strip-extras",
        "-q",
    ]
    for profile in ("bootstrap", "base", "dev"):
        code = run(
            [
                str(BIN / "pip-compile"),
                *flags,
                "-o",
                f"requirements/{profile}.txt",
                f"requirements/{profile}.in",
            ]
        )
        if code:
            return code
    return 0


def main() -> int:
    commands = {"serve": serve, "test": test, "lock": lock}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        print(__doc__)
        return 2
    return commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
