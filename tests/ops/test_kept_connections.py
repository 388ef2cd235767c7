"""A worker keeps its database connection between requests (FANSHELF_DB_CONN_MAX_AGE, on SQLite as on
PostgreSQL: opening one cost a third of a guest's work page), and a kept connection still reads what other
processes wrote since: a guest sees a work's new title at once."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.servers import Server, environment, request, run_python

SETUP = """
import json
from django.core.management import call_command
call_command("migrate", verbosity=0)
from tests.factories import make_user, make_work
print(json.dumps(make_work(make_user("Lampwright"), title="Before the “tide”").pk))
"""

RETITLE = """
import json
from fanshelf.accounts.models import User
from fanshelf.works.actions import update_work
from fanshelf.works.cleaning import WorkFields
from fanshelf.works.models import Work
author = User.objects.get(username="Lampwright")
fields = WorkFields(
    title="After the tide 潮 אחרי", pseuds=[author.default_pseud()], rating="General Audiences",
    warnings=["No Archive Warnings Apply"], fandoms=["Tidewater Chronicles"],
)
update_work(Work.objects.get(pk=%d), author, fields)
print(json.dumps(True))
"""


def _worker_pid(server: Server) -> int:
    assert server.process is not None
    children = subprocess.run(["pgrep", "-P", str(server.process.pid)], capture_output=True, text=True, check=False)
    pids = [int(pid) for pid in children.stdout.split()]
    assert len(pids) == 1, children.stdout
    return pids[0]


def _open_database_files(pid: int, database: Path) -> int:
    """How many of the process's file descriptors point at the SQLite file."""
    folder = Path(f"/proc/{pid}/fd")
    return sum(1 for fd in folder.iterdir() if fd.resolve() == database)


@pytest.mark.django_db(transaction=True)
def test_a_worker_keeps_its_connection_and_still_reads_other_processes_writes(tmp_path: Path) -> None:
    env = environment(tmp_path, FANSHELF_REQUEST_RATE="off")
    work = run_python(SETUP, env)
    server = Server(env, workers=1, threads=1).start()
    try:
        first = request(server.port, "GET", f"/works/{work}/")
        assert first.status == 200
        assert "Before the “tide”" in first.body
        if "DATABASE_URL" not in env:  # SQLite: the file stays open in the worker between requests
            assert _open_database_files(_worker_pid(server), (tmp_path / "fanshelf.sqlite3").resolve()) >= 1
        run_python(RETITLE % work, env)
        again = request(server.port, "GET", f"/works/{work}/")
        assert again.status == 200
        assert "After the tide 潮 אחרי" in again.body
        assert "Before the" not in again.body
    finally:
        server.stop()
