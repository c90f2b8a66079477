"""`make bench`: figures for the public pages under production settings. Not a test.

    python -m bench            (make bench installs wrk first when missing)

1. Builds two fresh databases: fixture size (the RE-SOURCING fixtures) and bench size (the
   fixtures plus 20,000 synthetic milestones and 200,000 updates from generate_demo_data).
   SQLite files in .bench/, or PostgreSQL databases resourcing_bench_small / resourcing_bench
   on the server of DATABASE_URL when it is set.
2. Counts SQL queries per page with Django's test client against each database, page cache
   off (what an uncached request costs), and prints EXPLAIN for a selective filtered list
   (bench/probe.py, run inside Django in a subprocess).
3. Starts gunicorn (2 sync workers, DJANGO_DEBUG=0, a generated secret key) on
   127.0.0.1:8107 and drives each page with wrk (-t2 -c8 -d5s): warm (page cache on) on the
   bench database, the sector dashboard cold (DJANGO_PAGE_CACHE=0) on both databases, a 304
   revalidation, and a 22 KB static file served by whitenoise as the yardstick.
4. Prints the table and the budgets, and writes .bench/results.json.
"""

# The bench runs its own commands (manage.py, gunicorn, wrk) and fetches loopback URLs.
# ruff: noqa: S603, S310

import argparse
import concurrent.futures
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from bench import HOST

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / ".bench"
PORT = 8107
BASE_URL = f"http://{HOST}:{PORT}"
MILESTONES = 20000
UPDATES = 200000
SEED = 1
WRK_DURATION = "5s"
WRK = ["-t2", "-c8", f"-d{WRK_DURATION}", "--latency", "--timeout", "10s"]
STATIC_PATH = "/static/admin/css/base.css"  # about 20 KB, like the yardstick
QUERY_BUDGET = 12
BUDGETS = {"warm_dashboard": 0.8, "revalidation": 0.9, "cold_growth": 1.5}


# -- The driver ------------------------------------------------------------------------------


def _log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def _run(args, env, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=ROOT, env=env, check=True, **kwargs)


def _manage(env, *args, quiet=True):
    out = subprocess.DEVNULL if quiet else None
    _run([sys.executable, "manage.py", *args], env, stdout=out)


def _database_url(name: str) -> str:
    """A fresh, empty database called `name`: SQLite in .bench/, or on DATABASE_URL's server."""
    base = os.environ.get("DATABASE_URL", "").strip()
    if not base or base.startswith("sqlite"):
        path = BENCH_DIR / f"{name}.sqlite3"
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    import psycopg

    parts = urllib.parse.urlsplit(base)
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return parts._replace(path=f"/{name}").geturl()


def _env(database_url: str, static_root: str, secret: str, *, page_cache: bool) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        {
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secret,
            "DJANGO_ALLOWED_HOSTS": HOST,
            "DJANGO_STATIC_ROOT": static_root,
            "DJANGO_PAGE_CACHE": "1" if page_cache else "0",
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": "resourcing.settings",
        }
    )
    return env


def _build(name: str, env: dict, *, big: bool) -> None:
    started = time.monotonic()
    _manage(env, "migrate", "--no-input")
    _manage(env, "loaddata", "resourcing")
    if big:
        _manage(
            env,
            "generate_demo_data",
            f"--milestones={MILESTONES}",
            f"--updates={UPDATES}",
            f"--seed={SEED}",
        )
    _log(f"database {name} built in {time.monotonic() - started:.0f} s")


def _probe(env: dict) -> dict:
    result = _run(
        [sys.executable, "-m", "bench.probe"],
        env,
        capture_output=True,
        text=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def _get(path: str, headers=None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(BASE_URL + path, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), b""


@contextmanager
def _gunicorn(env: dict, label: str):
    log = open(BENCH_DIR / f"gunicorn-{label}.log", "w")  # noqa: SIM115 (closed below)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "resourcing.wsgi",
            "--workers=2",
            "--worker-class=sync",
            f"--bind={HOST}:{PORT}",
            "--timeout=120",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if _get("/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start; see {log.name}")
            time.sleep(0.2)
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * _UNITS[unit]


def _wrk(path: str, headers=None, connections=None) -> dict:
    args = ["wrk", *WRK]
    if connections:  # one per worker: slow pages would only queue behind each other
        args = [f"-c{connections}" if arg.startswith("-c") else arg for arg in args]
    for name, value in (headers or {}).items():
        args += ["-H", f"{name}: {value}"]
    output = subprocess.run(
        [*args, BASE_URL + path], capture_output=True, text=True, check=True
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE).group(1)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE).group(1)
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors: (.*)", output)
    return {
        "rps": rps,
        "p50_ms": round(_ms(p50), 2),
        "p99_ms": round(_ms(p99), 2),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "non_2xx_3xx": int(bad.group(1)) if bad else 0,
        "socket_errors": errors.group(1) if errors else "",
    }


def _prime(path: str) -> int:
    """Fill the page cache of both workers (each has its own, unless REDIS_URL is set)."""
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        statuses = list(pool.map(lambda _: _get(path)[0], range(6)))
    return statuses[-1]


def _measure(name: str, path: str, *, headers=None, expect=200, connections=None) -> dict:
    status = _prime(path) if headers is None else _get(path, headers)[0]
    if status != expect:
        _log(f"{name}: {path} answers {status}, not {expect}; skipped")
        return {"page": name, "url": path, "status": status, "skipped": True}
    figures = _wrk(path, headers, connections)
    _log(f"{name}: {figures['rps']:.0f} req/s, p50 {figures['p50_ms']} ms")
    return {"page": name, "url": path, "status": status, **figures}


def _format(rows, static_rps) -> str:
    header = f"{'page':<34} {'req/s':>9} {'p50 ms':>9} {'p99 ms':>9} {'queries':>8} {'x static':>9}"
    lines = [header, "-" * len(header)]
    for row in rows:
        queries = "" if row.get("queries") is None else str(row["queries"])
        if row.get("skipped"):
            lines.append(f"{row['page']:<34} {'HTTP ' + str(row['status']):>9} (skipped)")
            continue
        ratio = row["rps"] / static_rps if static_rps else 0
        if row.get("requests", 1) == 0:
            lines.append(f"{row['page']:<34} {'0':>9} (no request finished in {WRK_DURATION})")
            continue
        lines.append(
            f"{row['page']:<34} {row['rps']:>9.0f} {row['p50_ms']:>9.2f} {row['p99_ms']:>9.2f} "
            f"{queries:>8} {ratio:>8.2f}x"
        )
    return "\n".join(lines)


def main() -> int:
    if shutil.which("wrk") is None:
        print("wrk is missing: apt-get install wrk (make bench does).", file=sys.stderr)
        return 2
    started = time.monotonic()
    BENCH_DIR.mkdir(exist_ok=True)
    secret = secrets.token_urlsafe(50)
    static_root = tempfile.mkdtemp(prefix="bench-static-")
    try:
        small_url = _database_url("resourcing_bench_small")
        big_url = _database_url("resourcing_bench")
        small = _env(small_url, static_root, secret, page_cache=False)
        big_cold = _env(big_url, static_root, secret, page_cache=False)
        big_warm = _env(big_url, static_root, secret, page_cache=True)
        _manage(big_warm, "collectstatic", "--no-input")
        _build("fixture size", small, big=False)
        _build("bench size", big_warm, big=True)

        small_probe = _probe(small)
        big_probe = _probe(big_cold)
        _log(f"EXPLAIN ({big_probe['vendor']}) of a sector's list ?status=at_risk:")
        print(big_probe["explain"], flush=True)
        pages = big_probe["pages"]

        rows = []
        with _gunicorn(small, "fixture-cold"):
            url = small_probe["pages"]["sector dashboard"]["url"]
            cold_small = _measure("sector dashboard, cold, fixtures", url, connections=2)
            cold_small["queries"] = small_probe["pages"]["sector dashboard"]["queries"]
        with _gunicorn(big_cold, "bench-cold"):
            cold_big = _measure(
                f"sector dashboard, cold, {MILESTONES} m.",
                pages["sector dashboard"]["url"],
                connections=2,
            )
            cold_big["queries"] = pages["sector dashboard"]["queries"]
        with _gunicorn(big_warm, "bench-warm"):
            static = _measure("static file (whitenoise)", STATIC_PATH)
            static["queries"] = 0
            rows.append(static)
            for name, page in pages.items():
                row = _measure(f"{name}, warm", page["url"])
                row["queries"] = page["queries"]
                rows.append(row)
            dashboard = pages["sector dashboard"]["url"]
            etag = _get(dashboard)[1].get("ETag")
            if etag:
                revalidation = _measure(
                    "sector dashboard, 304", dashboard, headers={"If-None-Match": etag}, expect=304
                )
                revalidation["queries"] = 1
            else:
                revalidation = {"page": "sector dashboard, 304", "skipped": True, "status": "-"}
            rows.append(revalidation)
        rows += [cold_small, cold_big]
    finally:
        shutil.rmtree(static_root, ignore_errors=True)

    static_rps = static.get("rps", 0)
    warm_dashboard = next(r for r in rows if r["page"] == "sector dashboard, warm")

    def ratio(row):
        return None if row.get("skipped") or not static_rps else row["rps"] / static_rps

    # Time per uncached request at bench size over fixture size: from wrk when both runs
    # completed enough requests, else from one in-process request each (the probe).
    if min(cold_small.get("requests", 0), cold_big.get("requests", 0)) >= 5:
        cold_growth, cold_source = cold_small["rps"] / cold_big["rps"], "wrk req/s"
    else:
        small_ms = small_probe["pages"]["sector dashboard"]["render_ms"]
        big_ms = pages["sector dashboard"]["render_ms"]
        cold_growth, cold_source = big_ms / small_ms, "one request each, in process"
    query_counts = {
        f"{size}: {name}": page["queries"]
        for size, probe_result in (("fixtures", small_probe), ("bench", big_probe))
        for name, page in probe_result["pages"].items()
        if page["status"] == 200
    }
    budgets = [
        (
            f"warm sector dashboard >= {BUDGETS['warm_dashboard']}x static",
            ratio(warm_dashboard),
            ratio(warm_dashboard) is not None
            and ratio(warm_dashboard) >= BUDGETS["warm_dashboard"],
        ),
        (
            f"304 revalidation >= {BUDGETS['revalidation']}x static",
            ratio(revalidation),
            ratio(revalidation) is not None and ratio(revalidation) >= BUDGETS["revalidation"],
        ),
        (
            f"cold dashboard at {MILESTONES} milestones within {BUDGETS['cold_growth']}x "
            f"of fixture size (time per request, {cold_source})",
            cold_growth,
            cold_growth is not None and cold_growth <= BUDGETS["cold_growth"],
        ),
        (
            f"every page <= {QUERY_BUDGET} queries (uncached, both sizes)",
            max(query_counts.values(), default=None),
            bool(query_counts) and max(query_counts.values()) <= QUERY_BUDGET,
        ),
    ]

    print()
    print(
        f"Bench: {big_probe['milestones']} milestones ({big_probe['sector_milestones']} in the "
        f"measured sector), {big_probe['vendor']}, gunicorn 2 sync workers, "
        f"wrk {' '.join(WRK)}"
    )
    print(_format(rows, static_rps))
    print()
    print("Queries per page, uncached (fixture size / bench size):")
    for name in pages:
        small_page, big_page = small_probe["pages"][name], pages[name]
        print(
            f"  {name:<20} {small_page['queries']:>3} / {big_page['queries']:<3} "
            f"(HTTP {small_page['status']}/{big_page['status']}, "
            f"{big_page['bytes'] / 1024:.0f} KB, {big_page['render_ms']:.0f} ms at bench size)"
        )
    print()
    print("Budgets:")
    for label, value, met in budgets:
        shown = "n/a" if value is None else f"{value:.2f}"
        print(f"  [{'met' if met else 'NOT MET'}] {label}: {shown}")
    elapsed = time.monotonic() - started
    print(f"\nTotal {elapsed:.0f} s. Results: {BENCH_DIR / 'results.json'}")

    results = {
        "database": big_probe["vendor"],
        "milestones": big_probe["milestones"],
        "updates": UPDATES,
        "wrk": WRK,
        "static_rps": static_rps,
        "rows": [{**row, "ratio_to_static": ratio(row)} for row in rows],
        "queries": {"fixtures": small_probe["pages"], "bench": pages},
        "explain": big_probe["explain"],
        "budgets": [{"budget": b, "value": v, "met": m} for b, v, m in budgets],
        "seconds": round(elapsed),
    }
    (BENCH_DIR / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    sys.exit(main())
