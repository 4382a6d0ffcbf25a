"""The fewest requests each API allows for a full sync of the sandbox's data.

The rules come from docs/providers/<api>.md (cited below by file name), not from the tap's
code: the largest page each API accepts, whether a full last page still says "the end"
(a null cursor, no ``Link: rel=next``, ``total_count``) or costs one more request, and
which parent records need a child request at all. The record counts come from the
verification run's output (per list, per parent); a stream without a rule shows n/a.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from mediabench.verify import TapOutput

# Basecamp's page sizes, then 100 per page (docs/providers/basecamp.md, "Pagination").
GEARED = (15, 30, 50, 100)
Record = dict[str, Any]


@dataclass(frozen=True)
class Rule:
    #: Records per page at the API's maximum; "geared" for Basecamp; None: one object.
    page: int | str | None
    #: The API marks a FULL last page as the last; False: one more (empty) request.
    end_signal: bool = True
    #: The stream whose records are the contexts (one list or object per record).
    per: str | None = None
    #: Which parent records need a request (None: all of them).
    when: Callable[[Record, TapOutput], bool] | None = None
    #: (child field, parent field) linking a child record to its context.
    link: tuple[str, str] | None = None
    #: Top-level lists read once per value of this record field (given the config).
    split: tuple[str, Callable[[dict[str, Any]], tuple[Any, ...]]] | None = None
    #: A fixed number of contexts (config-driven), instead of ``per``.
    fixed: Callable[[dict[str, Any]], int] | None = None
    derived: bool = False


def _active_room(room: Record, output: TapOutput) -> bool:
    # Peers exist only in rooms with an active session; the sessions list names them (hms.md).
    return room.get("id") in {
        s.get("room_id") for s in output.kept.get("hms_sessions", []) if s.get("active")
    }


def _schedule_docks(output: TapOutput) -> list[Record]:
    # The enabled "schedule" dock item of each project; the list has the dock (basecamp.md).
    return [
        {"project_id": project["id"], "schedule_id": tool.get("id")}
        for project in output.kept.get("basecamp_projects", [])
        for tool in project.get("dock") or ()
        if tool.get("name") == "schedule" and tool.get("enabled") is True
    ]


def _media_types(config: dict[str, Any]) -> tuple[str, ...]:
    block = config.get("shutterstock") or {}
    paths = block.get("media_types") or ("images", "videos", "audio")
    singular = {"images": "image", "videos": "video", "audio": "audio"}
    return tuple(dict.fromkeys(singular[p] for p in paths))


def _both(config: dict[str, Any]) -> tuple[Any, ...]:
    return (True, False)


RULES: dict[str, Rule] = {
    # Mux (mux.md): limit <= 100; no end field in page mode; assets' next_cursor null at the end.
    "mux_video_assets": Rule(100),
    **{
        f"mux_{name}": Rule(100, end_signal=False)
        for name in (
            "video_live_streams",
            "system_signing_keys",
            "video_playback_restrictions",
            "video_transcription_vocabularies",
            "video_uploads",
            "video_signing_keys",
        )
    },
    "mux_video_playbacks": Rule(None, derived=True),  # the parents' playback_ids (mux.md)
    # AssemblyAI (assemblyai.md): limit <= 200, prev_url null at the end; children if completed.
    "assemblyai_transcripts": Rule(200),
    **{
        f"assemblyai_{name}": Rule(
            None,
            per="assemblyai_transcripts",
            when=lambda t, _: t.get("status") == "completed",
        )
        for name in ("transcript_sentences", "transcript_paragraphs", "redacted_audio")
    },
    "assemblyai_lemur_responses": Rule(
        None, fixed=lambda c: len(set((c.get("assemblyai") or {}).get("lemur_request_ids") or ()))
    ),
    # Shutterstock (shutterstock.md): per_page <= 500, total_count ends a full last page.
    "shutterstock_media_categories": Rule(None, fixed=lambda c: 2),
    "shutterstock_media_search": Rule(500, split=("media_type", _media_types)),
    "shutterstock_user": Rule(None, fixed=lambda c: 1),
    # 100ms (hms.md): limit <= 100; `last` is set on a full last page too; events' `next` not.
    # Both values of the filter whose documented default hides part of the list.
    "hms_rooms": Rule(100, end_signal=False, split=("enabled", _both)),
    "hms_sessions": Rule(100, end_signal=False, split=("active", _both)),
    "hms_active_room_peers": Rule(None, per="hms_rooms", when=_active_room),
    "hms_analytics_events": Rule(100, per="hms_rooms", link=("room_id", "id")),
    "hms_templates": Rule(100, end_signal=False),
    "hms_template_settings": Rule(None, per="hms_templates"),
    "hms_template_destinations": Rule(None, per="hms_templates"),
    "hms_recordings": Rule(100, end_signal=False),
    # Basecamp (basecamp.md): geared pages, Link header; schedules from the projects' docks.
    "basecamp_projects": Rule("geared"),
    "basecamp_schedules": Rule(None, per="(schedule docks)"),
    "basecamp_schedule_entries": Rule(
        "geared", per="(schedule docks)", link=("schedule_id", "schedule_id")
    ),
    "basecamp_todos": Rule("geared"),
    "basecamp_messages": Rule("geared"),
}

#: Fields of each stream's records the rules read (kept from the verification output).
KEEP: dict[str, tuple[str, ...]] = {
    "assemblyai_transcripts": ("id", "status"),
    "shutterstock_media_search": ("media_type",),
    "hms_rooms": ("id", "enabled"),
    "hms_sessions": ("room_id", "active"),
    "hms_analytics_events": ("room_id",),
    "hms_templates": ("id",),
    "basecamp_projects": ("id", "dock"),
    "basecamp_schedule_entries": ("schedule_id",),
}


def needed_fields(streams: Iterable[str]) -> dict[str, tuple[str, ...]]:
    return {name: fields for name, fields in KEEP.items() if name in set(streams)}


def pages(count: int, rule: Rule) -> int:
    """Requests for one list of ``count`` records."""
    if rule.page is None:
        return 1
    if rule.page == "geared":
        requests, left = 0, count
        while True:
            requests += 1
            size = GEARED[min(requests, len(GEARED)) - 1]
            if left <= size:
                return requests
            left -= size
    size = int(rule.page)
    full = count > 0 and count % size == 0
    return max(1, math.ceil(count / size)) + (0 if rule.end_signal or not full else 1)


def minimum_requests(
    streams: Iterable[str], output: TapOutput, config: dict[str, Any]
) -> dict[str, int | None]:
    out: dict[str, int | None] = {}
    for name in streams:
        rule = RULES.get(name)
        out[name] = None if rule is None else _minimum(name, rule, output, config)
    return out


def _minimum(name: str, rule: Rule, output: TapOutput, config: dict[str, Any]) -> int:
    if rule.derived:
        return 0
    if rule.per is None:
        if rule.split is not None:
            field, values_of = rule.split
            counts = Counter(r.get(field) for r in output.kept.get(name, []))
            # A list the config reads without any hits still costs its one request.
            return sum(pages(counts.get(v, 0), rule) for v in values_of(config))
        if rule.fixed is not None:
            return rule.fixed(config) * pages(0, rule)
        return pages(output.records.get(name, 0), rule)
    parents = (
        _schedule_docks(output) if rule.per == "(schedule docks)" else output.kept.get(rule.per, [])
    )
    contexts = [p for p in parents if rule.when is None or rule.when(p, output)]
    if rule.page is None:
        return len(contexts)
    child_field, parent_field = rule.link or ("", "")
    counts = Counter(r.get(child_field) for r in output.kept.get(name, []))
    return sum(pages(counts.get(p.get(parent_field), 0), rule) for p in contexts)
