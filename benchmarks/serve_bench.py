"""`normspace serve` against `oxigraph serve-read-only` on the same store, side by side.

Why interleaved: on a shared machine the load changes from minute to minute, so each named
query is sent to the two servers in turn (A, B, A, B, A, B) and the medians are compared; a
fluctuation then falls on both. Also reported: time until each server answers, peak memory,
and 1 against 4 concurrent clients on the analysis queries.

Usage (run on demand, never in the test suite)::

    normspace run --store /tmp/bundled-store        # or: normspace load FILES --store ...
    python benchmarks/serve_bench.py /tmp/bundled-store

The figures in docs/design.md ("Serving the store") come from this script.
"""

from __future__ import annotations

import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ruamel.yaml import YAML

from normspace.querylib import library
from normspace.store import inject_values

CASES = Path(__file__).parent.parent / "tests" / "data" / "queries" / "cases.yaml"
ROUNDS = 3


def query_texts() -> dict[str, str]:
    """Every library query, with the parameters of its first test case bound."""
    cases = YAML(typ="safe").load(CASES.read_text(encoding="utf-8"))
    params: dict[str, dict] = {}
    for case in cases.values():
        params.setdefault(case["query"], case.get("params", {}))
    params.setdefault("papers-by-external-concept", {"external": "dpv:VulnerableHuman"})
    texts = {}
    for name, query in library().queries.items():
        bound = query.bind(params.get(name, {}))
        texts[name] = inject_values(query.text, bound) if bound else query.text
    return texts


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def post(url: str, text: str) -> bytes:
    request = urllib.request.Request(
        url,
        data=urllib.parse.urlencode({"query": text}).encode(),
        headers={
            "Accept": "application/sparql-results+json",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    with urllib.request.urlopen(request, timeout=600) as answer:
        return answer.read()


def wait_ready(url: str, process: subprocess.Popen) -> float:
    start = time.perf_counter()
    while process.poll() is None:
        try:
            with urllib.request.urlopen(url + "?query=ASK%7B%7D", timeout=1) as answer:
                answer.read()
            return time.perf_counter() - start
        except OSError:
            time.sleep(0.01)
    raise SystemExit(f"the server for {url} exited with status {process.returncode}")


def peak_memory(pid: int) -> Iterator[str]:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(("VmHWM", "VmRSS")):
            key, value, unit = line.split()
            yield f"{key}{value}{unit}"


def servers(store: Path) -> dict[str, tuple[str, list[str]]]:
    bin_dir = Path(sys.executable).parent
    normspace = shutil.which("normspace", path=str(bin_dir)) or "normspace"
    oxigraph = shutil.which("oxigraph", path=str(bin_dir)) or "oxigraph"
    a, b = free_port(), free_port()
    return {
        "normspace serve": (
            f"http://127.0.0.1:{a}/sparql",
            [normspace, "serve", "--store", str(store), "--port", str(a), "-q"],
        ),
        "oxigraph serve-read-only": (
            f"http://127.0.0.1:{b}/query",
            [oxigraph, "serve-read-only", "--location", str(store)]
            + ["--bind", f"127.0.0.1:{b}", "--union-default-graph"],
        ),
    }


def latencies(urls: dict[str, str], texts: dict[str, str]) -> dict[str, dict[str, float]]:
    for text in texts.values():  # warm both
        for url in urls.values():
            post(url, text)
    medians: dict[str, dict[str, float]] = {label: {} for label in urls}
    for name, text in texts.items():
        runs: dict[str, list[float]] = {label: [] for label in urls}
        for _ in range(ROUNDS):
            for label, url in urls.items():
                start = time.perf_counter()
                post(url, text)
                runs[label].append(time.perf_counter() - start)
        for label in urls:
            medians[label][name] = statistics.median(runs[label])
    return medians


def throughput(url: str, texts: list[str]) -> tuple[float, float]:
    start = time.perf_counter()
    for text in texts:
        post(url, text)
    one = time.perf_counter() - start
    start = time.perf_counter()
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda _: [post(url, t) for t in texts], range(4)))
    return one, time.perf_counter() - start


def main(store: Path) -> None:
    texts = query_texts()
    plan = servers(store)
    processes: dict[str, subprocess.Popen] = {}
    try:
        for label, (url, command) in plan.items():
            processes[label] = subprocess.Popen(
                command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            print(f"{label}: ready after {wait_ready(url, processes[label]):.2f} s")
        urls = {label: url for label, (url, _) in plan.items()}
        medians = latencies(urls, texts)
        for label in urls:
            total = sum(medians[label].values())
            print(f"{label}: sum of medians over {len(texts)} queries {total:.2f} s")
        analysis = [text for name, text in texts.items() if "/" not in name]
        for label, url in urls.items():
            one, four = throughput(url, analysis)
            print(
                f"{label}: analysis queries, 1 client {one:.2f} s; 4 concurrent clients "
                f"{four:.2f} s ({4 * one / four:.2f}x throughput)"
            )
            print(f"{label}: " + " ".join(peak_memory(processes[label].pid)))
        a, b = urls
        print("per query, ms (" + a + " / " + b + "):")
        for name in texts:
            print(f"  {name} {medians[a][name] * 1000:.0f}/{medians[b][name] * 1000:.0f}")
    finally:
        for process in processes.values():
            process.terminate()
            process.wait()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    main(Path(sys.argv[1]))
