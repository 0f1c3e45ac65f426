"""Benchmark: who-is-on-call lookups through the pure core, and through the API (not a test).

    PYTHONPATH=. python bench/oncall_lookup.py                  # the pure core
    PYTHONPATH=. python bench/oncall_lookup.py --http-serve     # + through a local `oncall serve`
    PYTHONPATH=. python bench/oncall_lookup.py --http URL --token TOKEN   # + a running service

``--http-serve`` starts ``oncall serve --workers 2 --threads 4`` on a fresh PostgreSQL
database (``ONCALL_BENCH_POSTGRES_URL``, default ``…/oncall_bench_lookup``, created when
missing) seeded through the API by ``bench/load.py``'s ``seed`` (20 rotations of two
layers with restrictions and overrides), then runs :func:`bench_http` against it.

Builds 1,000 rotations of 3 layers (daily, 12-hourly and weekly; the upper two restricted to
weekly windows) with overrides, in memory, in a spread of zones. Every rotation exists
twice, identical but for its hand-off: ten years before the benchmark's pinned "now", or
the day before. The same 100,000 random (rotation, instant) lookups run against each half
(best of three interleaved rounds), so the ratio of their times shows whether a lookup's
cost grows with a rotation's age (it should be about 1).
"""
import random
import time as clock
from datetime import datetime, time, timedelta, timezone

from oncall.schedule.rotation import Layer, LayerVersion, Override, Rotation, on_call
from oncall.schedule.windows import WeeklyWindow

NOW = datetime(2026, 7, 1, 12, 0, tzinfo=timezone.utc)  # pinned: the benchmark reads no clock for data
ZONES = ("America/New_York", "Europe/London", "Europe/Berlin", "Asia/Kolkata", "Australia/Sydney",
         "Australia/Lord_Howe", "America/Santiago", "Pacific/Auckland", "America/Los_Angeles", "Asia/Tokyo")
TEN_YEARS_OF_WEEKS = timedelta(weeks=522)
ROUNDS = 3  # whole weeks keep the weekday and wall time of the hand-off


def _rotation(rng: random.Random, tz: str, handoff: datetime) -> Rotation:
    def members():
        return tuple(rng.sample(range(1, 500), rng.randint(3, 8)))

    nights = (WeeklyWindow(frozenset(range(5)), time(18), time(9)),)
    weekend = (WeeklyWindow(frozenset({5}), time(0), time(0)), WeeklyWindow(frozenset({6}), time(0), time(0)))
    return Rotation(tz, (
        Layer("days", (LayerVersion(None, handoff, "days", 1, members()),)),
        Layer("nights", (LayerVersion(None, handoff, "hours", 12, members(), restrictions=nights),)),
        Layer("weekend", (LayerVersion(None, handoff, "weeks", 1, members(), restrictions=weekend),)),
    ))


def _overrides(rng: random.Random) -> tuple[Override, ...]:
    found = []
    for i in range(rng.randint(0, 10)):
        start = NOW + timedelta(hours=rng.randrange(24 * 30))
        found.append(Override(i + 1, rng.randint(1, 500), start, start + timedelta(hours=rng.randint(1, 72))))
    return tuple(found)


def _timed(rotations, overrides, lookups) -> float:
    started = clock.perf_counter()
    for i, at in lookups:
        on_call(rotations[i], overrides[i], at)
    return clock.perf_counter() - started


def bench_core(count: int = 1000, lookups: int = 100_000, seed: int = 20260701) -> dict[str, float]:
    """Times ``lookups`` on_call answers against each half; returns the figures."""
    rng = random.Random(seed)
    recent, old, overrides = [], [], []
    for _ in range(count):
        tz = rng.choice(ZONES)
        yesterday = (NOW - timedelta(days=1)).replace(tzinfo=None, hour=rng.randint(0, 23), minute=rng.choice((0, 30)))
        state = rng.getstate()
        recent.append(_rotation(rng, tz, yesterday))
        rng.setstate(state)  # the same members and windows for the old twin
        old.append(_rotation(rng, tz, yesterday - TEN_YEARS_OF_WEEKS))
        overrides.append(_overrides(rng))
    # Lookups after both hand-offs (the next 30 days), so both halves answer the same questions.
    sample = [(rng.randrange(count), NOW + timedelta(seconds=rng.randrange(86400 * 30))) for _ in range(lookups)]
    _timed(recent, overrides, sample[:1000])  # warm the zone caches
    rounds = [(_timed(recent, overrides, sample), _timed(old, overrides, sample)) for _ in range(ROUNDS)]
    t_recent, t_old = min(r for r, _ in rounds), min(o for _, o in rounds)  # best of interleaved rounds: least noise
    return {"lookups": lookups, "lookups_per_s_recent": lookups / t_recent, "lookups_per_s_old": lookups / t_old,
            "old_over_recent": t_old / t_recent}


def bench_http(base_url: str, token: str, *, seconds: float = 10.0, clients: int = 8,
               seed: int = 20260701) -> dict[str, float]:
    """Lookups through ``GET /api/v1/rotations/<id>/oncall`` of a running service.

    ``clients`` threads, each on its own keep-alive connection, ask about a random rotation
    (of those the API lists) at a random instant in the 30 days after ``NOW``, for
    ``seconds``. Every answer must be a 200 with a ``users`` list.
    """
    import threading

    import requests

    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {token}"
    listed = http.get(f"{base_url}/api/v1/rotations", timeout=30)
    listed.raise_for_status()
    rotation_ids = [r["id"] for r in listed.json()]
    if not rotation_ids:
        raise ValueError("the service has no rotations to look up")
    latencies: list[float] = []
    errors: list[object] = []
    lock = threading.Lock()

    def client(n: int, stop_at: float) -> None:
        rng = random.Random(seed + n)
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {token}"
        mine = []
        while clock.perf_counter() < stop_at:
            at = NOW + timedelta(seconds=rng.randrange(86400 * 30))
            started = clock.perf_counter()
            try:
                answer = session.get(f"{base_url}/api/v1/rotations/{rng.choice(rotation_ids)}/oncall",
                                     params={"at": at.isoformat()}, timeout=30)
                ok = answer.status_code == 200 and isinstance(answer.json().get("users"), list)
            except (requests.RequestException, ValueError) as exc:
                answer, ok = exc, False
            mine.append(clock.perf_counter() - started)
            if not ok:
                with lock:
                    errors.append(getattr(answer, "status_code", answer))
        with lock:
            latencies.extend(mine)

    started = clock.perf_counter()
    threads = [threading.Thread(target=client, args=(n, started + seconds)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = clock.perf_counter() - started
    ordered = sorted(latencies)
    return {"lookups": len(ordered), "seconds": elapsed, "lookups_per_s": len(ordered) / elapsed,
            "p50_ms": ordered[len(ordered) // 2] * 1000, "p99_ms": ordered[int(len(ordered) * 0.99)] * 1000,
            "errors": len(errors), "clients": clients, "rotations": len(rotation_ids)}


def _serve_and_bench_http(workers: int = 2, threads: int = 4, seconds: float = 10.0, clients: int = 8):
    """``oncall serve`` on a fresh seeded PostgreSQL database; :func:`bench_http` against it."""
    import os
    import sys
    import tempfile
    from pathlib import Path

    import requests

    root = Path(__file__).resolve().parents[1]
    sys.path.insert(0, str(root))
    from bench.load import SECRET, children, free_port, fresh_database, rss_mib, seed, start, stop, wait_for

    url = fresh_database(os.environ.get("ONCALL_BENCH_POSTGRES_URL",
                                        "postgresql+psycopg://postgres@127.0.0.1:5432/oncall_bench_lookup"))
    world = seed(url)
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("ONCALL_")}
    env.update(ONCALL_DATABASE_URL=url, ONCALL_SECRET_KEY=SECRET, ONCALL_BASE_URL=base_url, PYTHONPATH=str(root))
    logs = Path(tempfile.mkdtemp(prefix="oncall-lookup-"))
    serve = start(["serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
                   "--threads", str(threads)], env, logs / "serve.log")
    try:
        def ready() -> bool:
            try:
                return requests.get(base_url + "/readyz", timeout=2).status_code == 200
            except requests.RequestException:
                return False

        wait_for(ready, 60, "/readyz")
        bench_http(base_url, world["token"], seconds=2, clients=clients)  # warm-up: caches, connections
        figures = bench_http(base_url, world["token"], seconds=seconds, clients=clients)
        figures["workers"], figures["threads"] = workers, threads
        figures["rss_mib"] = [round(rss_mib(pid) or 0, 1) for pid in children(serve.pid)]
        return figures
    finally:
        stop(serve)


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description="who-is-on-call lookups: the pure core, and the API")
    parser.add_argument("--http", metavar="URL", help="also bench the API of the service at URL (with --token)")
    parser.add_argument("--token", help="an API token for --http")
    parser.add_argument("--http-serve", action="store_true", help="also bench a local `oncall serve` (PostgreSQL)")
    parser.add_argument("--seconds", type=float, default=10.0, help="duration of the HTTP run")
    parser.add_argument("--clients", type=int, default=8, help="concurrent HTTP clients")
    args = parser.parse_args()

    figures = bench_core()
    print(f"{figures['lookups']:,} on_call lookups, 1,000 rotations x 3 layers, restrictions and overrides")
    print(f"  handed off yesterday:     {figures['lookups_per_s_recent']:,.0f} lookups/s")
    print(f"  handed off 10 years ago:  {figures['lookups_per_s_old']:,.0f} lookups/s")
    print(f"  time ratio old/recent:    {figures['old_over_recent']:.2f}")
    if args.http or args.http_serve:
        if args.http:
            http = bench_http(args.http, args.token, seconds=args.seconds, clients=args.clients)
            where = args.http
        else:
            http = _serve_and_bench_http(seconds=args.seconds, clients=args.clients)
            where = f"oncall serve --workers {http['workers']} --threads {http['threads']} (PostgreSQL)"
        print(f"\nGET /api/v1/rotations/<id>/oncall against {where}: {http['clients']} clients, "
              f"{http['rotations']} rotations, {http['seconds']:.1f} s")
        print(f"  {http['lookups_per_s']:,.0f} lookups/s ({http['lookups']:,} lookups), "
              f"p50 {http['p50_ms']:.1f} ms, p99 {http['p99_ms']:.1f} ms, errors {http['errors']}")
        if "rss_mib" in http:
            print(f"  gunicorn workers' RSS after the run: {http['rss_mib']} MiB")


if __name__ == "__main__":
    main()
