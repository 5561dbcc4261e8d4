"""Speed of the grader against its baselines, side by side in one run.

Each row runs its command and its baseline interleaved (baseline, command, baseline, ...), after
one warm-up each, and reports the medians and their ratio. Run it with `nox -s bench` or
`python benchmarks/bench.py [--runs N] [--rows a,b]`. It works on temporary copies of the
repository, so your own katas/ and .kata/ are never touched.

Rows (targets from the speed issue):
  check-stub      kata check decorators (stub)       vs python -m pytest <its test file>   ≤ 1.10×
  check-solution  kata check decorators (solution)   vs the same                            ≤ 1.10×
  grade           kata grade, katas/ = solutions     vs python -m pytest on every suite     ≤ 1.00×
  help            kata --help                        vs python -c "import click"            ≤ 1.50×
  list            kata list                          vs python -c "import click"            ≤ 2.00×
  watch           save → verdict in kata watch       absolute                               ≤ 0.30 s
  grade-all       kata grade-all on 20 submissions   vs 20 sequential kata grade            ≤ 0.80×
  class           kata grade-all on 40 synthetic learners (stubs, partial, full; all katas):
                  throughput in kata runs per second per core                           (figure)
  shards          grade-all --shard 1/2, --shard 2/2, then merge-grades, one after the other,
                  vs one unsharded grade-all of the same class                          ≤ 1.05×
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KATA = [shutil.which("kata") or "kata"]
PY = sys.executable
# grade-all's baseline is 20 full `kata grade` runs; on all 18 katas five such rounds would take
# most of an hour, so that row grades the six beginner katas (the same for both sides).
GRADE_ALL_LEVEL = "beginner"
# Where bubblewrap cannot run, the grading rows are measured unconfined (and the header says so).
NO_SANDBOX: list[str] = []


def copy_repo(dest: Path, tree: str = "stubs") -> Path:
    """A copy of the repository whose katas/ holds the stubs or the solutions."""
    ignore = shutil.ignore_patterns(".git", ".kata", ".venv", ".nox", "__pycache__", "benchmarks")
    shutil.copytree(ROOT, dest, ignore=ignore)
    if tree == "solutions":
        for item in (dest / "solutions").iterdir():
            if item.name == "mutants":
                continue
            target = dest / "katas" / item.name
            if item.is_dir():
                shutil.copytree(item, target, dirs_exist_ok=True)
            else:
                shutil.copy2(item, target)
    return dest


def timed(command: list[str], cwd: Path, **kwargs) -> float:
    start = time.perf_counter()
    subprocess.run(
        command,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
        **kwargs,
    )
    return time.perf_counter() - start


def compare(
    name: str, command: list[str], baseline: list[str], cwd: Path, runs: int, target: float
) -> dict:
    timed(baseline, cwd)
    timed(command, cwd)
    base, mine = [], []
    for _ in range(runs):
        base.append(timed(baseline, cwd))
        mine.append(timed(command, cwd))
    b, m = statistics.median(base), statistics.median(mine)
    return {
        "row": name,
        "median": m,
        "baseline": b,
        "ratio": m / b,
        "target": target,
        "ok": m / b <= target,
    }


def watch_latency(cwd: Path, runs: int) -> dict:
    """Median time from saving katas/decorators.py to the next verdict printed by kata watch."""
    proc = subprocess.Popen(
        [*KATA, "--no-color", "watch", "decorators"],
        cwd=cwd,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        bufsize=1,
    )
    target = cwd / "katas" / "decorators.py"
    original = target.read_text()
    samples = []

    def wait_for_verdict() -> None:
        for line in proc.stdout:
            if line.startswith("watching "):
                return
        raise RuntimeError("kata watch ended early")

    try:
        wait_for_verdict()
        for i in range(runs + 1):
            time.sleep(0.5)  # let the watcher settle, as a learner's typing pause would
            start = time.perf_counter()
            target.write_text(original + f"\n# edit {i}\n")
            wait_for_verdict()
            if i:  # the first save is the warm-up
                samples.append(time.perf_counter() - start)
    finally:
        proc.stdin.write("q\n")
        proc.stdin.close()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
    m = statistics.median(samples)
    return {
        "row": "watch",
        "median": m,
        "baseline": None,
        "ratio": None,
        "target": 0.3,
        "ok": m <= 0.3,
    }


def grade_all(tmp: Path, runs: int) -> dict:
    """kata grade-all over 20 submissions vs 20 sequential kata grade runs (beginner katas)."""
    import tomllib

    teacher = copy_repo(tmp / "teacher")
    text = (teacher / "katas.toml").read_text()
    keep = [k["slug"] for k in tomllib.loads(text)["kata"] if k["level"] == GRADE_ALL_LEVEL]
    _trim_catalogue(teacher, keep)
    subs = tmp / "submissions"
    repos = []
    for i in range(20):
        tree = "solutions" if i % 2 else "stubs"
        repo = copy_repo(tmp / f"repo{i}", tree)
        _trim_catalogue(repo, keep)
        repos.append(repo)
        (subs / f"learner{i:02d}").mkdir(parents=True)
        shutil.copytree(repo / "katas", subs / f"learner{i:02d}" / "katas")
    out = tmp / "report"

    def sequential() -> float:
        start = time.perf_counter()
        for repo in repos:
            subprocess.run(
                [*KATA, "grade", *NO_SANDBOX],
                cwd=repo,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                check=False,
            )
        return time.perf_counter() - start

    def batch() -> float:
        return timed([*KATA, "grade-all", str(subs), "-o", str(out), *NO_SANDBOX], teacher)

    sequential()
    batch()
    base, mine = [], []
    for _ in range(runs):
        base.append(sequential())
        mine.append(batch())
    b, m = statistics.median(base), statistics.median(mine)
    return {
        "row": "grade-all",
        "median": m,
        "baseline": b,
        "ratio": m / b,
        "target": 0.8,
        "ok": m / b <= 0.8,
    }


def synthetic_class(root: Path, teacher: Path, size: int = 40) -> int:
    """``size`` learners: a third untouched stubs, a third half solved, a third fully solved.
    Returns the number of kata runs that grading them takes."""
    import tomllib

    katas = tomllib.loads((teacher / "katas.toml").read_text())["kata"]
    for i in range(size):
        for j, kata in enumerate(katas):
            solved = i % 3 == 2 or (i % 3 == 1 and (i + j) % 2 == 0)
            for rel in kata["files"]:
                inner = rel.removeprefix("katas/")
                source = ROOT / ("solutions" if solved else "tests/stubs") / inner
                target = root / f"learner{i:02d}" / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target)
    return size * len(katas)


def class_rows(tmp: Path, runs: int) -> list[dict]:
    """Throughput of grade-all on a class of 40, and the cost of two shards plus a merge."""
    teacher = copy_repo(tmp / "teacher")
    subs = tmp / "submissions"
    count = synthetic_class(subs, teacher)
    whole = [*KATA, "grade-all", str(subs), "-o", str(tmp / "whole")]
    shards = [[*KATA, "grade-all", str(subs), "--shard", f"{k}/2", "-o", str(tmp / f"s{k}")]
              for k in (1, 2)]
    merge = [*KATA, "merge-grades", str(tmp / "merged"), str(tmp / "s1"), str(tmp / "s2")]
    one, split = [], []
    for _ in range(runs):  # interleaved, no warm-up: each run is minutes long
        one.append(timed(whole, teacher))
        split.append(sum(timed(command, teacher) for command in [*shards, merge]))
    for name in ("grades.csv", "similarity.csv", "class-report.json", "class-report.html"):
        if (tmp / "whole" / name).read_bytes() != (tmp / "merged" / name).read_bytes():
            print(f"warning: the merged {name} differs from the unsharded one", file=sys.stderr)
    w, s = statistics.median(one), statistics.median(split)
    cores = os.cpu_count() or 1
    return [
        {"row": "class", "median": w, "baseline": None, "ratio": None, "target": None,
         "ok": True, "figure": f"{count / w / cores:.2f} kata runs/s/core ({count} runs)"},
        {"row": "shards", "median": s, "baseline": w, "ratio": s / w, "target": 1.05,
         "ok": s / w <= 1.05},
    ]


def _trim_catalogue(repo: Path, keep: list[str]) -> None:
    text = (repo / "katas.toml").read_text()
    head, *entries = text.split("\n[[kata]]\n")
    kept = [e for e in entries if any(f'slug = "{slug}"' in e for slug in keep)]
    (repo / "katas.toml").write_text(head + "".join("\n[[kata]]\n" + e for e in kept))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--class-runs", type=int, default=3, help="rounds of the class rows")
    parser.add_argument(
        "--rows", default="check-stub,check-solution,grade,help,list,watch,grade-all,class"
    )
    args = parser.parse_args()
    rows = args.rows.split(",")
    sys.path.insert(0, str(ROOT))
    from grader.running.sandbox import unavailable

    reason = unavailable()
    if reason:
        NO_SANDBOX.append("--no-sandbox")
    results = []
    with tempfile.TemporaryDirectory(prefix="kata-bench-") as tmp_name:
        tmp = Path(tmp_name)
        stub = copy_repo(tmp / "stub")
        solved = copy_repo(tmp / "solved", "solutions")
        test_file = "tests/katas/test_decorators.py"
        bare = [PY, "-m", "pytest", test_file, "-q", "-p", "no:cacheprovider"]
        click_import = [PY, "-c", "import click"]
        if "check-stub" in rows:
            results.append(
                compare("check-stub", [*KATA, "check", "decorators"], bare, stub, args.runs, 1.10)
            )
        if "check-solution" in rows:
            results.append(
                compare(
                    "check-solution", [*KATA, "check", "decorators"], bare, solved, args.runs, 1.10
                )
            )
        if "grade" in rows:
            results.append(
                compare(
                    "grade",
                    [*KATA, "grade", *NO_SANDBOX],
                    [PY, "-m", "pytest", "tests/katas", "-q", "-p", "no:cacheprovider"],
                    solved,
                    args.runs,
                    1.0,
                )
            )
        if "help" in rows:
            results.append(compare("help", [*KATA, "--help"], click_import, stub, args.runs, 1.5))
        if "list" in rows:
            results.append(compare("list", [*KATA, "list"], click_import, stub, args.runs, 2.0))
        if "watch" in rows:
            results.append(watch_latency(copy_repo(tmp / "watch"), args.runs))
        if "grade-all" in rows:
            results.append(grade_all(tmp / "class", args.runs))
        if "class" in rows:
            results += class_rows(tmp / "class40", args.class_runs)
    print(
        f"machine: {platform.platform()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; medians of {args.runs} runs after a warm-up "
        f"(class and shards: {args.class_runs} rounds, no warm-up); load average "
        f"{os.getloadavg()[0]:.1f}\n"
        f"sandbox: {'on (bubblewrap)' if reason is None else 'OFF: ' + reason}\n"
    )
    print("| row | kata | baseline | ratio | target | |\n|---|---|---|---|---|---|")
    for r in results:
        base = f"{r['baseline']:.3f} s" if r["baseline"] is not None else "—"
        ratio = f"{r['ratio']:.2f}×" if r["ratio"] is not None else "—"
        if r["target"] is None:  # a figure to report, not a target to meet
            target, verdict = r["figure"], ""
        else:
            target = f"≤ {r['target']:.2f}" + ("×" if r["ratio"] is not None else " s")
            verdict = "ok" if r["ok"] else "MISS"
        print(f"| {r['row']} | {r['median']:.3f} s | {base} | {ratio} | {target} | {verdict} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
