"""benchmarks/results.md: the tables the README's Performance section shows."""

from __future__ import annotations

import time
from typing import Any

ORDER = ("tap", "sdk", "dlt", "limit", "tap_seq")


def render(results: dict[str, Any]) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"Reproduce: `{results['command']}`  ",
        f"Machine: {results['machine']['cpus']} CPUs, Python {results['machine']['python']}, "
        f"{results['machine']['platform']}; {time.strftime('%Y-%m-%d')}.  ",
        "Each figure is the median of the runs shown; every contender is its own process "
        "(stdout to /dev/null), requests come from the sandbox's log, peak RSS is the "
        "process's `ru_maxrss`.",
        "",
    ]
    lines += [f"> {note}" for note in results.get("notes", [])]
    cpu = [r for r in results["runs"] if r["regime"] == "cpu"]
    latency = [r for r in results["runs"] if r["regime"] == "latency"]
    if cpu:
        lines += ["## CPU-bound: no latency, unpaced", ""]
        for run in cpu:
            lines += contender_table(run)
        if len(cpu) > 1:
            lines += memory_table(cpu)
    if latency:
        lines += ["## Latency-bound: fan-out under a rate limit", ""]
        for run in latency:
            lines += contender_table(run)
            lines += latency_table(run)
    for run in results["runs"]:
        lines += requests_table(run)
    problems = [p for run in results["runs"] for p in run["problems"]]
    lines += ["## Checks", ""]
    for run in results["runs"]:
        lines.append(
            f"- {run['label']}: {run['records_emitted']:,} records emitted, "
            f"{sum(run['expected'].values()):,} expected by the sandbox (distinct keys per "
            "stream compared)"
            + (
                "; fan-out vs max_concurrency=1: same records in the same order: "
                f"{yes(run['order_check']['same_records_in_same_order'])}, same final "
                f"state: {yes(run['order_check']['same_final_state'])}"
                if "order_check" in run
                else ""
            )
            + (
                f"; sandbox's own peak RSS {run['sandbox_peak_rss_mb']:.0f} MB (not measured)"
                if run.get("sandbox_peak_rss_mb")
                else ""
            )
        )
    lines += ["", *(f"- PROBLEM: {p}" for p in problems)] if problems else ["", "No problems."]
    return "\n".join(lines) + "\n"


def contender_table(run: dict[str, Any]) -> list[str]:
    columns = run["columns"]
    tap = columns.get("tap")
    head = (
        f"### {run['label']}: {run['records_emitted']:,} records "
        f"({', '.join(run['providers'])}), latency {run['latency_ms']:g} ms"
        + (f", {run['rate']:g} requests/s per API" if run.get("rate") else "")
    )
    lines = [
        head,
        "",
        "| contender | records/s | tap ÷ this | requests | wall s | CPU s | peak RSS MB | runs |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for key in ORDER:
        if key not in columns:
            continue
        col = columns[key]
        ratio = (
            f"{tap['records_per_s'] / col['records_per_s']:.2f}x" if tap and key != "tap" else "—"
        )
        lines.append(
            f"| {col['name']} | {col['records_per_s']:,.0f} | {ratio} | {col['requests']:,} "
            f"| {col['wall_s']:.2f} | {col['cpu_s']:.1f} | {col['peak_rss_mb']:.0f} "
            f"| {col['runs']} |"
        )
    if tap and "limit" in columns and run["regime"] == "cpu":
        share = tap["records_per_s"] / columns["limit"]["records_per_s"]
        lines += ["", f"The tap reaches **{share:.0%}** of the fetch+decode limit."]
    if run["regime"] == "latency":
        lines += [
            "",
            "Here the limit, dlt and max_concurrency=1 fetch one request at a time, as the SDK "
            "does; the tap fans child requests out under the same rate limit.",
        ]
    dlt = columns.get("dlt")
    if dlt and dlt["records"] != run["records_emitted"]:
        lines += [
            "",
            f"dlt yielded {dlt['records']:,} items against the tap's {run['records_emitted']:,}"
            " (see docs/performance.md for why they can differ).",
        ]
    return [*lines, ""]


def memory_table(runs: list[dict[str, Any]]) -> list[str]:
    lines = [
        "### Peak RSS against records (CPU-bound runs)",
        "",
        "| records | "
        + " | ".join(runs[0]["columns"][k]["name"] for k in ORDER if k in runs[0]["columns"])
        + " |",
        "|---:|" + "---:|" * sum(1 for k in ORDER if k in runs[0]["columns"]),
    ]
    for run in runs:
        cells = [
            f"{run['columns'][k]['peak_rss_max_mb']:.0f} MB"
            for k in ORDER
            if k in runs[0]["columns"] and k in run["columns"]
        ]
        lines.append(f"| {run['records_emitted']:,} | " + " | ".join(cells) + " |")
    lines += ["", "(the highest peak of any run, not the median)", ""]
    return lines


def latency_table(run: dict[str, Any]) -> list[str]:
    lines = []
    for key in ("tap", "tap_seq"):
        col = run["columns"].get(key)
        if not col or "pacing" not in col:
            continue
        pacing = col["pacing"]
        bound = pacing["bound_s"]
        lines += [
            f"{col['name']}: wall {col['wall_s']:.2f} s against the rate bound "
            f"{bound:.2f} s (requests ÷ allowed rate) = **{col['wall_s'] / bound:.2f}x**",
            "",
            "| provider | requests | allowed/s | most in any 1 s | max_concurrency |",
            "|---|---:|---:|---:|---:|",
        ]
        for provider, row in pacing["providers"].items():
            lines.append(
                f"| {provider} | {row['requests']} | {row['allowed_per_s']:g} | "
                f"{row['max_in_any_1s']} | {row['concurrency'] or 'default'} |"
            )
        lines.append("")
    return lines


def requests_table(run: dict[str, Any]) -> list[str]:
    rows = run.get("requests_per_stream") or {}
    if not rows:
        return []
    lines = [
        f"### Requests per stream, {run['label']} (tap)",
        "",
        "| stream | requests | minimum the API allows |",
        "|---|---:|---:|",
    ]
    total_made = total_minimum = 0
    for name, row in rows.items():
        minimum = row["minimum"]
        made = f"**{row['made']}**" if name in run.get("over_minimum", ()) else str(row["made"])
        lines.append(f"| {name} | {made} | {'n/a' if minimum is None else minimum} |")
        total_made += row["made"]
        total_minimum += row["made"] if minimum is None else minimum
    lines.append(f"| all (n/a rows counted as made) | {total_made} | {total_minimum} |")
    if run.get("over_minimum"):
        lines += ["", "Bold: more requests than the API's minimum (see docs/performance.md)."]
    return [*lines, ""]


def yes(flag: bool) -> str:
    return "yes" if flag else "**NO**"
