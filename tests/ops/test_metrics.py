"""`/metrics` as a Prometheus server scrapes it: the counts of every gunicorn worker added up, whichever worker
answers; the task queue and the index lag measured at the time; nothing at all for an address not allowed; and
a setting of theirs given wrong stops start-up with a message naming it."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import resolve
from prometheus_client.parser import text_string_to_metric_families

from tests.servers import ROOT, Server, environment, request, run_python

SETUP = """
import json
import subprocess
import sys
from django.core.management import call_command
call_command("migrate", verbosity=0)
from tests.factories import make_user, make_work
author = make_user("Metricmaker")
work = make_work(author, title="Tide tables “at dawn” 潮汐")  # queues its EPUB build: there is no worker to take it
print(json.dumps({"work": work.pk}))
"""


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def requests_counted(port: int, view: str, status: str) -> float:
    answer = request(port, "GET", "/metrics", headers={"X-Forwarded-For": "127.0.0.1"})
    assert answer.status == 200, answer.body[:500]
    return samples(answer.body).get(("fanshelf_requests_total", (("status", status), ("view", view))), 0.0)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[Server, int]]:
    env = environment(
        tmp_path, FANSHELF_TASK_BACKEND="database", FANSHELF_TRUSTED_PROXY_COUNT="1", FANSHELF_REQUEST_RATE="off"
    )
    work = run_python(SETUP, env)["work"]
    app = Server(env, workers=2, threads=2).start()
    try:
        yield app, work
    finally:
        app.stop()


@pytest.mark.django_db(transaction=True)
def test_metrics_add_up_both_workers_report_the_queue_and_lag_and_are_hidden_from_others(
    server: tuple[Server, int], tmp_path: Path
) -> None:
    app, work = server
    view = resolve(f"/works/{work}/").view_name
    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda _: request(app.port, "GET", f"/works/{work}/").status, range(40)))
        missing = list(pool.map(lambda _: request(app.port, "GET", "/works/999999999/").status, range(6)))
    assert statuses == [200] * 40
    assert missing == [404] * 6
    # Both workers answered some of them (each counts into a file named after its process), and every scrape,
    # whichever worker answers it, adds up both.
    pids = {int(re.sub(r"\D", "", name.stem)) for name in (tmp_path / "metrics").glob("counter_*.db")}
    assert len(pids - {app.process.pid if app.process else 0}) >= 2
    for _ in range(4):
        assert requests_counted(app.port, view, "200") == 40
        assert requests_counted(app.port, view, "404") == 6

    assert request(app.port, "GET", "/works/").status == 200  # builds the answering worker's index
    found = samples(request(app.port, "GET", "/metrics").body)
    # Timed by view whatever the status: the 40 pages and the 6 missing works.
    assert found[("fanshelf_request_duration_seconds_count", (("view", view),))] == 46
    assert found[("fanshelf_request_duration_seconds_bucket", (("le", "+Inf"), ("view", view)))] == 46
    assert found[("fanshelf_task_queue_depth", ())] == 1  # the EPUB build queued when the work was posted
    assert found[("fanshelf_task_oldest_waiting_seconds", ())] > 0
    assert found[("fanshelf_discovery_changes_behind", ())] >= 0
    assert found[("fanshelf_discovery_seconds_since_refresh", ())] >= -1
    assert found[("fanshelf_hit_buffer_depth", ())] >= 0
    assert found[("fanshelf_memo_lookups_total", (("memo", "fanshelf.discovery.listing"), ("result", "miss")))] > 0
    health = json.loads(request(app.port, "GET", "/healthz").body)
    assert health["tasks"]["queued"] == 1
    assert health["tasks"]["oldest_waiting_seconds"] > 0

    refused = request(app.port, "GET", "/metrics", headers={"X-Forwarded-For": "203.0.113.9"})
    assert refused.status == 404
    assert "fanshelf_requests_total" not in refused.body


def test_metrics_allow_only_the_listed_addresses_and_networks(settings: Any, db: None) -> None:
    settings.FANSHELF_METRICS_ALLOW = ["10.0.0.0/8", "2001:db8::/32"]
    assert Client(REMOTE_ADDR="10.20.30.40").get("/metrics").status_code == 200
    assert Client(REMOTE_ADDR="2001:db8::7").get("/metrics").status_code == 200
    assert Client(REMOTE_ADDR="127.0.0.1").get("/metrics").status_code == 404
    assert Client(REMOTE_ADDR="192.0.2.1").get("/metrics").status_code == 404


@pytest.mark.parametrize(
    ("settings_given", "complaint"),
    [
        ({"FANSHELF_METRICS_ALLOW": "127.0.0.1, the office"}, "FANSHELF_METRICS_ALLOW must list addresses"),
        ({"FANSHELF_TASK_BACKEND": "rq"}, "FANSHELF_TASK_BACKEND=rq needs FANSHELF_TASK_REDIS_URL"),
        (
            {
                "FANSHELF_TASK_BACKEND": "rq",
                "FANSHELF_TASK_REDIS_URL": "redis://h/1",
                "FANSHELF_CACHE_URL": "redis://h/1",
            },
            "must name another Redis database",
        ),
    ],
)
def test_a_bad_operations_setting_stops_start_up_and_says_which(
    tmp_path: Path, settings_given: dict[str, str], complaint: str
) -> None:
    env = environment(tmp_path, **settings_given)
    started = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=60, check=False,
    )  # fmt: skip
    assert started.returncode != 0
    assert complaint in started.stderr


def test_a_restarted_server_counts_from_zero_instead_of_keeping_every_earlier_process_file(
    settings: Any, tmp_path: Path
) -> None:
    from fanshelf.core.management.commands.serve import _forget_earlier_metrics

    settings.FANSHELF_METRICS_DIR = tmp_path
    (tmp_path / "counter_4242.db").write_bytes(b"\0" * 64)
    (tmp_path / "histogram_4242.db").write_bytes(b"\0" * 64)
    (tmp_path / "notes.txt").write_text("an operator's own file stays")
    _forget_earlier_metrics()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["notes.txt"]
