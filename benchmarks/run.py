"""Run every benchmark and print their Markdown tables (`make bench`); paste into BENCHMARKS.md."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHES = ["bench_import.py"]

if __name__ == "__main__":
    for name in BENCHES:
        sys.stdout.write(f"\n## {name}\n\n")
        sys.stdout.flush()
        subprocess.run([sys.executable, str(HERE / name), *sys.argv[1:]], check=True)
