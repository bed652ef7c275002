"""De-identification with networking blocked: loading the detector (presidio, tldextract's
suffix list, phonenumbers, the postcode checks, the gazetteer) and running it must not try
to reach the network. Runs in a fresh interpreter so nothing is loaded beforehand."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[2]

SCRIPT = """
import socket

def refuse(*args, **kwargs):
    raise RuntimeError("network access attempted")

class GuardedSocket(socket.socket):
    connect = connect_ex = sendto = refuse

socket.socket = GuardedSocket
socket.create_connection = refuse
socket.getaddrinfo = refuse

try:
    socket.create_connection(("example.org", 443))
except RuntimeError:
    pass
else:
    raise AssertionError("the guard let a connection through")

import nlp
found = nlp.find_personal_data("Email ann@example.co.uk or ring 07700 900123, LS6 2AB.")
assert [item.kind for item in found] == ["email", "phone", "postcode"], found
result = nlp.deidentify({"a": "Mrs Priya Shah, NHS number 943 476 5919.", "b": "Priya rang."})
assert result.fields == {"a": "Mrs [Person A], NHS number [NHS number].", "b": "[Person A] rang."}
print("offline ok")
"""


def test_detection_and_deidentification_run_with_the_network_blocked(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("TLDEXTRACT") and key not in {"HTTP_PROXY", "HTTPS_PROXY"}
    }
    env["HOME"] = str(tmp_path)  # no cached suffix list to fall back on
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "offline ok"
    assert not (tmp_path / "cache").exists()
