"""Builds the comparison table of run.sh from the /usr/bin/time -v outputs and
the `neardup eval --json` results in a run folder; prints it and writes
results.json. Standard library only."""

import argparse
import datetime
import json
import os
import platform
import re
import statistics
import subprocess
import sys

LABELS = {
    "datasketch": "datasketch 2.0.0",
    "rensa": "rensa 0.5.0",
    "gaoya": "gaoya 0.2.2",
    "neardup-refine0": "neardup --refine 0",
    "neardup": "neardup",
}
MB = 1e6  # throughput and RSS in 10^6 bytes


def parse_time(path):
    """Wall seconds, peak RSS bytes, CPU percent, user and system seconds."""
    text = open(path, encoding="utf-8").read()

    def field(name):
        m = re.search(r"^\s*" + re.escape(name) + r".*?:\s*(\S+)\s*$", text, re.M)
        if not m:
            sys.exit(f"{path}: no '{name}' line")
        return m.group(1)

    wall = 0.0
    for part in field("Elapsed (wall clock) time").split(":"):
        wall = wall * 60 + float(part)
    status = int(field("Exit status"))
    if status != 0:
        sys.exit(f"{path}: exit status {status}")
    return {
        "wall_s": wall,
        "peak_rss_bytes": int(field("Maximum resident set size")) * 1024,
        "cpu_percent": int(field("Percent of CPU this job got").rstrip("%") or 0),
        "user_s": float(field("User time (seconds)")),
        "system_s": float(field("System time (seconds)")),
    }


def read_optional(path):
    try:
        return open(path, encoding="utf-8").read().strip()
    except OSError:
        return None


def package_versions(venv):
    py = os.path.join(venv, "bin", "python")
    if not os.path.exists(py):
        return {}
    code = (
        "import json, platform; from importlib.metadata import version as v;"
        "print(json.dumps({'python': platform.python_version(), **{p: v(p) for p in "
        "('datasketch', 'rensa', 'gaoya', 'numpy', 'scipy')}}))"
    )
    try:
        return json.loads(subprocess.run([py, "-c", code], capture_output=True, text=True, check=True).stdout)
    except (subprocess.CalledProcessError, ValueError):
        return {}


def cpu_model():
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--run", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--docs", type=int, required=True)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--neardup", required=True)
    ap.add_argument("--venv", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("tools", nargs="*")
    a = ap.parse_args()

    corpus_bytes = os.path.getsize(a.corpus)
    rows = []
    for tool in a.tools:
        runs = []
        for r in range(1, a.repeat + 1):
            t = parse_time(os.path.join(a.run, f"{tool}.time.{r}"))
            t["load_before"] = read_optional(os.path.join(a.run, f"{tool}.load.{r}"))
            t["phases"] = read_optional(os.path.join(a.run, f"{tool}.log.{r}"))
            runs.append(t)
        walls = [t["wall_s"] for t in runs]
        median = sorted(runs, key=lambda t: t["wall_s"])[(len(runs) - 1) // 2]
        ev = json.load(open(os.path.join(a.run, f"{tool}.eval.json"), encoding="utf-8"))
        wall = max(median["wall_s"], 1e-9)
        rows.append({
            "tool": tool,
            "label": LABELS.get(tool, tool),
            **{k: v for k, v in median.items()},
            "wall_s_all_runs": walls,
            "docs_per_s": a.docs / wall,
            "mb_per_s": corpus_bytes / MB / wall,
            "peak_rss_mb": median["peak_rss_bytes"] / MB,
            "precision": ev["precision"],
            "recall": ev["recall"],
            "f1": ev["f1"],
            "predicted_pairs": ev["predicted_pairs"],
            "truth_pairs": ev["truth_pairs"],
            "correct_pairs": ev["correct_pairs"],
        })

    ref = next((r for r in rows if r["tool"] == "neardup"), None)
    for r in rows:
        r["neardup_speedup"] = ref["mb_per_s"] / r["mb_per_s"] if ref else None

    header = ["tool", "wall s", "CPU s", "docs/s", "MB/s", "peak RSS MB", "CPU %",
              "precision", "recall", "F1", "neardup is N× faster"]
    table = [header]
    for r in rows:
        table.append([
            r["label"],
            f"{r['wall_s']:.2f}",
            f"{r['user_s'] + r['system_s']:.2f}",
            f"{r['docs_per_s']:,.0f}",
            f"{r['mb_per_s']:.2f}",
            f"{r['peak_rss_mb']:,.0f}",
            f"{r['cpu_percent']}",
            f"{r['precision']:.4f}",
            f"{r['recall']:.4f}",
            f"{r['f1']:.4f}",
            "-" if r["neardup_speedup"] is None else f"{r['neardup_speedup']:.1f}×",
        ])
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    lines = []
    for n, row in enumerate(table):
        cells = [row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:], widths[1:])]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))

    now = datetime.datetime.now().astimezone()
    neardup_version = subprocess.run([a.neardup, "--version"], capture_output=True, text=True).stdout.strip()
    env = {
        "date": now.isoformat(timespec="seconds"),
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "kernel": platform.release(),
        "neardup": neardup_version,
        "neardup_binary": os.path.abspath(a.neardup),
        **package_versions(a.venv),
    }
    title = (f"{a.docs:,} documents, {corpus_bytes / MB:.1f} MB (generate --scripts latin --seed {a.seed}), "
             f"1 thread, 128 permutations, 5-shingles, 16 bands x 8 rows, threshold 0.8; "
             f"{now.date()}, {env['cpu']}, {env['cores']} cores")
    text = title + "\n\n" + "\n".join(lines)
    print(text)

    result = {
        "settings": {"docs": a.docs, "seed": a.seed, "corpus_bytes": corpus_bytes, "threads": 1,
                     "num_perm": 128, "shingle": 5, "bands": 16, "rows": 8, "threshold": 0.8,
                     "repeat": a.repeat, "mb": "10^6 bytes"},
        "environment": env,
        "table": text,
        "tools": rows,
    }
    for path in (os.path.join(a.run, "results.json"), a.out):
        with open(path, "w", encoding="utf-8") as f:
            json.dump(result, f, indent=2, ensure_ascii=False)
            f.write("\n")
    with open(os.path.join(a.run, "table.txt"), "w", encoding="utf-8") as f:
        f.write(text + "\n")


if __name__ == "__main__":
    main()
