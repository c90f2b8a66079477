"""What keeps parallel test workers (pytest-xdist, `-n 2`) apart: each worker gets its own
slice of the server ports and its own Redis database number. pytest-django already gives
each worker its own test database (test_<name>_gw0, ...)."""

import os


def worker_index() -> int:
    """0 for the main process or the first xdist worker (gw0), 1 for gw1, and so on."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    return int(worker.removeprefix("gw") or 0)


def worker_ports(ports: range, workers: int = 2) -> range:
    """This worker's share of `ports` (split in `workers` slices; more workers wrap around)."""
    size = len(ports) // workers
    start = ports.start + (worker_index() % workers) * size
    return range(start, start + size)


def redis_url(database: int) -> str:
    """redis://127.0.0.1:6379/<database + worker index> (Redis has databases 0-15)."""
    return f"redis://127.0.0.1:6379/{(database + worker_index()) % 16}"
