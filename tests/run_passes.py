"""Run the suite on SQLite, then on PostgreSQL when a server answers; skip that pass with a printed reason.

pytest's exit code 5 (no tests collected) counts as a failure: a suite that ran nothing has not passed.
"""

from __future__ import annotations

import os
import subprocess
import sys


def _postgres_reason(url: str) -> str | None:
    """None when the server answers, else why the PostgreSQL pass is skipped."""
    import psycopg

    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    try:
        psycopg.connect(admin_url, connect_timeout=3).close()
    except psycopg.Error as error:
        return f"no PostgreSQL server answers at {admin_url}: {str(error).strip().splitlines()[0]}"
    return None


def _run_pass(name: str, extra_env: dict[str, str]) -> int:
    print(f"\n=== Test pass: {name} ===", flush=True)
    env = {**os.environ, **extra_env}
    # Three on two cores: many tests wait on servers, browsers and subprocesses they started, and a third worker
    # fills those waits.
    workers = env.get("FANSHELF_TEST_WORKERS", "3")
    # In the order collected (tests/conftest.py puts the longest files first), not xdist's largest-file-first,
    # which would leave the one-test crawl to run alone at the end.
    command = [
        sys.executable, "-m", "pytest", "-n", workers, "--dist", "loadfile", "--no-loadscope-reorder", *sys.argv[2:]
    ]  # fmt: skip
    code = subprocess.call(command, env=env)
    if code == 5:
        print(f"{name}: pytest collected no tests; that is a failure", flush=True)
        return 1
    return code


def main() -> int:
    postgres_url = sys.argv[1] if len(sys.argv) > 1 else "postgres://postgres@127.0.0.1:5432/fanshelf_test"
    sqlite_env = {"DATABASE_URL": ""} if "DATABASE_URL" in os.environ else {}
    failures = _run_pass("SQLite", sqlite_env) != 0
    reason = _postgres_reason(postgres_url)
    if reason is None:
        failures |= _run_pass("PostgreSQL", {"DATABASE_URL": postgres_url}) != 0
    else:
        print(f"\n=== Test pass: PostgreSQL skipped ({reason}) ===", flush=True)
        if os.environ.get("FANSHELF_TEST_POSTGRES"):
            print("FANSHELF_TEST_POSTGRES is set, so a missing server is a failure", flush=True)
            failures = True
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
