"""Freshness across server processes (design.md; issue 18): gunicorn with two workers, both
idle during a write, both answer the new page at once. On both databases, with and without
Redis. Each case starts its own gunicorn on a free port of 8240-8259 and takes a few seconds.
"""

import gzip
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from tests.factories import make_milestone, make_roadmap, make_sector, make_target
from tests.workers import redis_url, worker_ports

ROOT = Path(__file__).resolve().parent.parent
# Each xdist worker starts its servers on its own ports, with its own Redis database.
PORTS = worker_ports(range(8240, 8260))
REDIS_URL = redis_url(7)
BEFORE = "Freshness Sector Before"
AFTER = "Freshness Sector After"


def _free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.skip(f"no free port in {PORTS.start}-{PORTS.stop - 1}")


def _redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _database_url(tmp_path) -> str:
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        return (
            f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/"
            f"{settings['NAME']}"
        )
    # The test database lives in this process's memory: copy it to a file the server shares.
    path = tmp_path / "freshness.sqlite3"
    target = sqlite3.connect(path)
    connection.ensure_connection()
    connection.connection.backup(target)
    target.close()
    return f"sqlite:///{path}"


def _read_response(sock) -> tuple[int, dict, str]:
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    head, _sep, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    if headers.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    return int(lines[0].split()[1]), headers, body.decode()


def _request_lines(path: str, headers: dict) -> bytes:
    lines = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n").encode()


def _from_both_workers(port: int, path: str, headers=None) -> list[tuple[int, dict, str]]:
    """The same request answered by each of the two sync workers.

    A sync worker serves one connection at a time: the first connection's request is left
    unfinished, so the worker that took it waits, and the second goes to the other worker.
    """
    headers = headers or {}
    held = socket.create_connection(("127.0.0.1", port), timeout=10)
    held.sendall(_request_lines(path, headers))
    time.sleep(0.3)  # a worker accepts it and waits for the rest
    with socket.create_connection(("127.0.0.1", port), timeout=10) as other:
        other.sendall(_request_lines(path, headers) + b"Connection: close\r\n\r\n")
        second = _read_response(other)
    held.sendall(b"Connection: close\r\n\r\n")
    first = _read_response(held)
    held.close()
    return [first, second]


def _wait_for_listeners(count: int) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE application_name = 'pagecache-listener' AND datname = current_database()"
            )
            if cursor.fetchone()[0] >= count:
                return
        time.sleep(0.05)
    raise AssertionError("the workers' listeners did not connect")


@pytest.fixture
def server_env():
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "REDIS_", "DATABASE_"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "resourcing.settings_test",
            "DJANGO_PAGE_CACHE_LISTEN": "1",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        }
    )
    return env


@pytest.fixture
def gunicorn():
    processes = []

    def start(env):
        port = _free_port()
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "resourcing.wsgi",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        processes.append(process)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                    sock.sendall(_request_lines("/healthz", {}) + b"Connection: close\r\n\r\n")
                    if _read_response(sock)[0] == 200:
                        return port
            except OSError:
                time.sleep(0.1)
        raise AssertionError("gunicorn did not start")

    yield start
    for process in processes:
        process.send_signal(signal.SIGINT)  # gunicorn's quick shutdown
        process.wait(timeout=10)


def _write(env: dict, code: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=60,
    )


@pytest.mark.server
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("with_redis", [False, True], ids=["local-memory", "redis"])
def test_a_write_shows_at_once_on_every_worker(gunicorn, server_env, with_redis, tmp_path):
    if with_redis and not _redis_answers():
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    sector = make_sector(slug="sector-a", name=BEFORE)
    make_milestone(target=make_target(roadmap=make_roadmap(sector=sector)))
    env = {**server_env, "DATABASE_URL": _database_url(tmp_path)}
    if with_redis:
        env["REDIS_URL"] = REDIS_URL
    port = gunicorn(env)

    # Both workers render and cache the page, then stay idle while the write happens.
    warm = _from_both_workers(port, "/", {"Accept-Encoding": "gzip"})
    warm += _from_both_workers(port, "/")
    if connection.vendor == "postgresql":
        _wait_for_listeners(2)  # both workers now hold the version: no read per request
    _write(
        env,
        "from roadmaps.models import Sector; s = Sector.objects.get(slug='sector-a'); "
        f"s.name = {AFTER!r}; s.save()",
    )
    fresh = _from_both_workers(port, "/")
    etag = warm[2][1]["ETag"]
    revalidated = _from_both_workers(port, "/", {"If-None-Match": etag})

    assert [status for status, _headers, _body in warm] == [200, 200, 200, 200]
    assert all(BEFORE in body for _status, _headers, body in warm[2:])
    assert [status for status, _headers, _body in fresh] == [200, 200]
    assert all(AFTER in body and BEFORE not in body for _status, _headers, body in fresh)
    # The old ETag no longer validates on either worker: the new page, not a 304.
    assert [status for status, _headers, _body in revalidated] == [200, 200]
    assert all(AFTER in body for _status, _headers, body in revalidated)
