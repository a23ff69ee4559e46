"""A longer fuzz run, started by hand from the repository root: `python -m tests.system.fuzz.run --minutes 10`.

Cases (seed + random mutations, see fuzzlib.py) run in a child process with a memory cap
(address space: what the child uses at start + --mem-mib) and a per-case time limit; a child that
hangs or dies is replaced and the case recorded. Prints how many cases ran and every failure;
each failure's bytes and a note on how it was made are saved under --out. Exit code 1 when any
case failed.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import resource
import sys
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path

from tests.system.fuzz import fuzzlib  # `python -m` from the root puts the checkout (loadwatch, tests) on the path


def _worker(conn: Connection, mem_mib: int) -> None:
    pages = int(Path("/proc/self/statm").read_text().split()[0]) if Path("/proc/self/statm").exists() else 0
    limit = pages * os.sysconf("SC_PAGE_SIZE") + mem_mib * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    with tempfile.TemporaryDirectory(prefix="loadwatch-fuzz-") as tmp:
        while True:
            msg = conn.recv()
            if msg is None:
                return
            name, data = msg
            try:
                conn.send(fuzzlib.check_case(name, data, Path(tmp)))
            except MemoryError:
                conn.send(f"MemoryError: more than {mem_mib} MiB")
            for leftover in Path(tmp).iterdir():
                leftover.unlink()


class Child:
    def __init__(self, mem_mib: int) -> None:
        ctx = multiprocessing.get_context("fork")
        self.conn, child_conn = ctx.Pipe()
        self.proc = ctx.Process(target=_worker, args=(child_conn, mem_mib), daemon=True)
        self.proc.start()

    def run(self, name: str, data: bytes, timeout: float) -> tuple[str | None, bool]:
        """(failure, child still usable)."""
        self.conn.send((name, data))
        if not self.conn.poll(timeout):
            self.proc.kill()
            self.proc.join()
            return f"no answer within {timeout:.0f} s (hang)", False
        try:
            return self.conn.recv(), True
        except EOFError:
            self.proc.join()
            return f"the child died (exit code {self.proc.exitcode})", False

    def close(self) -> None:
        if self.proc.is_alive():
            self.conn.send(None)
            self.proc.join(5)
            if self.proc.is_alive():
                self.proc.kill()


def random_ops(rng: random.Random) -> list[fuzzlib.Op]:
    return [(rng.choice(fuzzlib.OPS), rng.random(), rng.randint(1, 64), rng.randrange(256))
            for _ in range(rng.randint(1, 6))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=1.0, help="how long to run (default 1)")
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: from the clock)")
    parser.add_argument("--kinds", default=",".join(fuzzlib.SEED_FILES) + ",zip,gz",
                        help="comma-separated seed kinds (default: all)")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per case before it counts as a hang")
    parser.add_argument("--mem-mib", type=int, default=1024, help="memory a case may add, MiB (default 1024)")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "failures",
                        help="where failing cases are saved (default tests/system/fuzz/failures)")
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else int(time.time())
    rng = random.Random(seed)
    wanted = set(args.kinds.split(","))
    pool = [(kind, name, data) for kind, items in fuzzlib.seeds().items() if kind in wanted for name, data in items]
    if not pool:
        print("no seed files found under tests/data", file=sys.stderr)
        return 2
    print(f"fuzzing {len(pool)} seed files for {args.minutes:g} min (--seed {seed})", flush=True)
    deadline = time.monotonic() + args.minutes * 60
    child = Child(args.mem_mib)
    cases = failures = 0
    per_kind: dict[str, int] = {}
    try:
        while time.monotonic() < deadline:
            kind, name, data = rng.choice(pool)
            ops = random_ops(rng)
            mutated = fuzzlib.mutate(data, ops)
            failure, alive = child.run(name, mutated, args.timeout)
            cases += 1
            per_kind[kind] = per_kind.get(kind, 0) + 1
            if failure is not None:
                failures += 1
                saved = fuzzlib.save_reproducer(args.out, name, mutated, ops, failure)
                print(f"FAIL {name} {ops!r}: {failure}\n     saved {saved}", flush=True)
            if not alive:
                child = Child(args.mem_mib)
            if cases % 500 == 0:
                print(f"... {cases} cases, {failures} failure(s)", flush=True)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
    finally:
        child.close()
    detail = ", ".join(f"{k} {n}" for k, n in sorted(per_kind.items()))
    print(f"{cases} cases ran ({detail}); {failures} failure(s)" + (f", saved under {args.out}" if failures else ""))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
