"""benchmarks/results.md: the tables the README's Performance section shows."""

from __future__ import annotations

import time
from typing import Any

ORDER = ("tap", "sdk", "dlt", "limit", "tap_seq")
MEDIAN_NOTE = (
    "Each row is one run, the median by wall time (of two, the slower); the last column has "
    "every run's wall time. Peak RSS is the sum over all of the command's processes, sampled "
    "every 0.1 s."
)


def render(results: dict[str, Any]) -> str:
    commands: dict[tuple[str, str], list[str]] = {}
    for run in results["runs"]:
        key = (run.get("command") or results["command"], run.get("date") or "")
        commands.setdefault(key, []).append(run["label"])
    lines = [
        "# Benchmark results",
        "",
        "Reproduce:",
        "",
        *(
            f"- `{command}` ({date or 'date not recorded'}): {', '.join(labels)}"
            for (command, date), labels in commands.items()
        ),
        "",
        f"Machine: {results['machine']['cpus']} CPUs, Python {results['machine']['python']}, "
        f"{results['machine']['platform']}; last run {time.strftime('%Y-%m-%d')}, 1-minute "
        f"load average {results.get('load', 'n/a')} at its start (the machine is shared).  ",
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
    together = [r for r in results["runs"] if r["regime"] == "side-by-side"]
    if together:
        lines += ["## Providers side by side, at the documented default rates", ""]
        for run in together:
            lines += side_by_side_table(run)
    e2e = [r for r in results["runs"] if r["regime"] == "e2e"]
    if e2e:
        lines += ["## End to end into PostgreSQL: Meltano and target-postgres against dlt", ""]
        for run in e2e:
            lines += end_to_end_table(run)
    for run in results["runs"]:
        lines += requests_table(run)
    problems = [p for run in results["runs"] for p in run["problems"]]
    lines += ["## Checks", ""]
    for run in cpu + latency:
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


def side_by_side_table(run: dict[str, Any]) -> list[str]:
    modes = run["modes"]
    head = (
        f"### {run['label']}: {run['records_expected']:,} records "
        f"({', '.join(run['providers'])}), latency {run['latency_ms']:g} ms, each API at its "
        "documented default rate"
    )
    names = {
        "side_by_side": "tap-media-apis, providers side by side",
        "in_turn": "tap-media-apis, providers_side_by_side: false",
    }
    lines = [
        head,
        "",
        MEDIAN_NOTE,
        "",
        "| run | wall s | ÷ slowest bound | sum of bounds s | CPU s | peak RSS MB, all processes "
        "| runs (wall s) |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for mode, row in modes.items():
        name = names.get(mode) or f"{row.get('tap', mode)} alone"
        ratio = row["wall_s"] / row["slowest_bound_s"] if row["slowest_bound_s"] else 0.0
        mark = f"**{ratio:.2f}x**" if mode == "side_by_side" else f"{ratio:.2f}x"
        lines.append(
            f"| {name} | {row['wall_s']:.2f} | {mark} | {row['sum_of_bounds_s']:.1f} "
            f"| {row['cpu_s']:.1f} | {row['tree_peak_rss_mb'] or 0:.0f} "
            f"| {', '.join(f'{w:.1f}' for w in row['wall_all_s'])} |"
        )
    lines += [
        "",
        "Bound: a provider's requests (sandbox log) ÷ its allowed rate. Per provider, the "
        "seconds after the tap started of its first and last request:",
        "",
        "| provider | requests | allowed/s | bound s | side by side: first to last | "
        "in turn: first to last |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    together = modes.get("side_by_side", {}).get("providers", {})
    in_turn = modes.get("in_turn", {}).get("providers", {})
    for provider in sorted(set(together) | set(in_turn)):
        row = together.get(provider) or in_turn[provider]
        lines.append(
            f"| {provider} | {row['requests']} | {row['rate']:g} | {row['bound_s']:.1f} "
            f"| {span(together.get(provider))} | {span(in_turn.get(provider))} |"
        )
    lines += ["", *where_the_time_goes(modes), ""]
    return lines


def span(row: dict[str, Any] | None) -> str:
    return f"{row['first_s']:.1f} to {row['last_s']:.1f}" if row else "—"


def where_the_time_goes(modes: dict[str, Any]) -> list[str]:
    together = modes.get("side_by_side")
    if not together:
        return []
    providers = together["providers"]
    slowest = max(providers, key=lambda name: providers[name]["bound_s"])
    row = providers[slowest]
    first = min(p["first_s"] for p in providers.values())
    lines = [
        f"Side by side, {together['wall_s']:.1f} s against {slowest}'s bound of "
        f"{row['bound_s']:.1f} s ({together['wall_s'] / row['bound_s']:.2f}x; target 1.2x):",
        "",
        f"- start-up: the first request of any provider {first:.1f} s after the start, "
        f"{slowest}'s first at {row['first_s']:.1f} s;",
        f"- {slowest}'s requests spanned {row['last_s'] - row['first_s']:.1f} s "
        f"(its bound {row['bound_s']:.1f} s);",
        f"- after its last request: {together['wall_s'] - row['last_s']:.1f} s to the end.",
    ]
    alone = modes.get("alone")
    if alone:
        own = alone["providers"].get(slowest, {})
        lines.append(
            f"- {alone.get('tap', slowest)} alone took {alone['wall_s']:.1f} s (first request "
            f"at {own.get('first_s', 0):.1f} s): side by side cost "
            f"{together['wall_s'] - alone['wall_s']:+.1f} s more than the slowest tap alone."
        )
    in_turn = modes.get("in_turn")
    if in_turn:
        lines.append(
            f"- in turn: {in_turn['wall_s']:.1f} s against the sum of bounds "
            f"{in_turn['sum_of_bounds_s']:.1f} s; side by side is "
            f"{in_turn['wall_s'] / together['wall_s']:.2f}x faster."
        )
    return lines


def end_to_end_table(run: dict[str, Any]) -> list[str]:
    columns = run["columns"]
    lines = [
        f"### {run['label']}: {run['records_expected']:,} rows expected in "
        f"{len(run['streams'])} streams (the {len(run['streams'])} of the tap's "
        f"{run['tap_streams']} that the dlt configs cover), no latency, unpaced",
        "",
        MEDIAN_NOTE,
        "",
        "| contender | rows/s | rows loaded | wall s | CPU s | peak RSS MB, all processes "
        "| largest process MB | runs (wall s) |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for col in columns.values():
        rate = "failed" if col.get("returncode") else f"{col['rows_per_s']:,.0f}"
        lines.append(
            f"| {col['name']} | {rate} "
            f"| {col['rows']:,} | {col['wall_s']:.1f} | {col['cpu_s']:.1f} "
            f"| {col['peak_rss_mb'] or 0:.0f} | {col['largest_process_rss_mb']:.0f} "
            f"| {', '.join(f'{w:.1f}' for w in col['wall_all_s'])} |"
        )
    if run.get("tap_alone_s"):
        lines += [
            "",
            f"The tap alone (all {run['tap_streams']} streams to /dev/null, the sandbox's "
            f"answer cache still cold) took {run['tap_alone_s']:.1f} s: the rest of the Meltano "
            "runs is Meltano and the loader.",
        ]
    for col in columns.values():
        if col.get("error"):
            lines += ["", f"{col['name']} failed:", "", "```", col["error"].strip(), "```"]
        elif col.get("rows_not_expected"):
            wrong = ", ".join(
                f"{name} {got:,} (expected {want:,})"
                for name, (got, want) in col["rows_not_expected"].items()
            )
            lines += ["", f"{col['name']}: rows differ from the sandbox's distinct keys: {wrong}."]
        else:
            lines += ["", f"{col['name']}: every stream's rows equal the sandbox's distinct keys."]
    return [*lines, ""]


def yes(flag: bool) -> str:
    return "yes" if flag else "**NO**"
