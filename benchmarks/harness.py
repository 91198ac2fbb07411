"""What every benchmark here shares: a fresh database per size, in a process of
its own (so peak memory is that size's own), the generated registry file
cached in benchmarks/out/, and the results as JSON and a Markdown table."""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"


def setup_django() -> None:
    """A fresh database: a new SQLite file, or the PostgreSQL of DATABASE_URL emptied."""
    workdir = Path(tempfile.mkdtemp(prefix="harapan-bench-"))
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "harapan.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    call_command("load_regions", verbosity=0)


def registry_file(families: int, seed: int) -> Path:
    from django.core.management import call_command

    data = OUT / f"registry-{families}-seed{seed}.csv"
    if not data.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        partial = data.with_suffix(".partial")
        call_command("generate_registry", families=families, region="18", seed=seed,
                     out=str(partial), date=date(2026, 7, 1), verbosity=0)  # fmt: skip
        partial.rename(data)
    return data


def run(
    script: str,
    description: str,
    worker: Callable[[int, int], dict],
    default_sizes: list[int],
    columns: list[tuple[str, str]],
) -> None:
    """Run `worker(families, seed)` once per size in a child process; print the table.

    `columns` are (heading, format string over the worker's result).
    """
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--families", type=int, nargs="+", default=default_sizes)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        setup_django()
        print(json.dumps(worker(args.families[0], args.seed)))
        return
    results = []
    for families in args.families:
        done = subprocess.run(
            [sys.executable, script, "--worker", "--families", str(families),
             "--seed", str(args.seed)],
            capture_output=True, text=True,
        )  # fmt: skip
        if done.returncode:
            sys.exit(f"{families:,} families failed:\n{done.stderr}")
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
        print(json.dumps(results[-1]), flush=True)
    OUT.mkdir(parents=True, exist_ok=True)
    name = Path(script).stem
    (OUT / f"{name}-{results[0]['database']}.json").write_text(json.dumps(results, indent=2))
    print("\n| " + " | ".join(heading for heading, _ in columns) + " |")
    print("|" + "---|" * len(columns))
    for r in results:
        print("| " + " | ".join(fmt.format(**r) for _, fmt in columns) + " |")
