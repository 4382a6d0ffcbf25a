"""Sandbox part for Basecamp 4 (facts: docs/providers/basecamp.md, "API facts").

What it enforces, like the real API: a User-Agent with a contact (400), the account id
in the path, bearer tokens from the Launchpad refresh_token grant (401 once a token has
served ``token_max_requests`` requests), ``type`` on recordings (400), geared page sizes
15/30/50/100 with ``Link: rel="next"`` and ``X-Total-Count``, and disabled dock tools.

Scenarios: every recording type the tap reads; projects with several card tables (one
cloned board enabled, one disabled) and with a questionnaire; people whose email
addresses are redacted unless the token's person is an admin (``token_is_admin``).
"""

from __future__ import annotations

import math
import re
import time
import zlib
from collections import deque
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlencode

from typing_extensions import override

from tap_media_apis.sandbox.api import (
    BadRequest,
    Request,
    Response,
    Route,
    SandboxProvider,
    json_response,
    route,
)

ACCOUNT_ID = "999999999"
CLIENT_ID = "sandbox-basecamp-client-id"
CLIENT_SECRET = "sandbox-basecamp-client-secret"
REFRESH_TOKEN = "sandbox-basecamp-refresh-token"
TOKEN_PATH = "/launchpad/authorization/token"
EXPIRES_IN = 1_209_600  # two weeks, as Launchpad says
PAGE_SIZES = (15, 30, 50, 100)  # then 100 per page
API = f"https://3.basecampapi.com/{ACCOUNT_ID}"
APP = f"https://3.basecamp.com/{ACCOUNT_ID}"
RECORDING_TYPES = (
    "Comment",
    "Document",
    "Kanban::Card",
    "Kanban::Step",
    "Message",
    "Question::Answer",
    "Schedule::Entry",
    "Todo",
    "Todolist",
    "Upload",
    "Vault",
)
STATUSES = ("active", "archived", "trashed")
CONTACT = re.compile(r"\S+@\S+|https?://\S+")
YEAR_2025 = datetime(2025, 1, 1, tzinfo=timezone.utc)
DAY_MS = 86_400_000

PEOPLE = (
    ("Annie Bryan", "Central Markets Manager"),
    ("Victor Cooper", "Chief Strategist"),
    ("Steve Marsh", "Legacy Directives Strategist"),
    ("Lillie McKenzie", "Product Designer"),
    ("Nicole Katz", "Engineering Lead"),
    ("Brian Jenks", "Account Manager"),
    ("Amy Chen", "Support Lead"),
    ("Jorge Ramos", "Marketing Director"),
    ("Priya Natarajan", "Data Analyst"),
    ("Tom Becker", "Sales Lead"),
    ("Olga Ivanova", "QA Engineer"),
    ("Kwame Mensah", "Operations Manager"),
    ("Sofia Rossi", "Copywriter"),
    ("Hiro Tanaka", "Frontend Developer"),
    ("Lena Fischer", "Recruiter"),
    ("Mateo Silva", "Backend Developer"),
    ("Grace Okafor", "Finance Lead"),
    ("Noah Levi", "Illustrator"),
)
#: people.md: "the email_address is only returned in full to account administrators and
#: owners, and to the person themselves. For everyone else it is redacted".
REDACTED = "•"
PROJECT_NAMES = (
    "Leto Laptop launch",
    "Website redesign",
    "Onboarding revamp",
    "Q3 brand campaign",
    "Mobile app 2.0",
    "Customer portal",
    "Trade show booth",
    "Support playbook",
    "Pricing refresh",
    "Data warehouse move",
)
#: name, title, path segment; whether a tool is enabled is decided per project.
DOCK = (
    ("message_board", "Message Board", "message_boards"),
    ("todoset", "To-dos", "todosets"),
    ("vault", "Docs & Files", "vaults"),
    ("chat", "Chat", "chats"),
    ("schedule", "Schedule", "schedules"),
    ("questionnaire", "Automatic Check-ins", "questionnaires"),
    ("inbox", "Email Forwards", "inboxes"),
    ("kanban_board", "Card Table", "card_tables"),
)
#: Tools cloned in some projects (tools.md, "Clone a tool"): a second card table, enabled,
#: and a third one, disabled.
CLONED_BOARDS = (("Hiring board", True), ("Old board", False))
COLUMNS = (
    ("Triage", "Kanban::Triage"),
    ("Backlog", "Kanban::Column"),
    ("In progress", "Kanban::Column"),
    ("Review", "Kanban::Column"),
    ("Not now", "Kanban::NotNowColumn"),
    ("Done", "Kanban::DoneColumn"),
)
QUESTIONS = (
    ("What did you work on today?", "every_day", [1, 2, 3, 4, 5], 16),
    ("What will you work on this week?", "every_week", [1], 9),
    ("What's inspiring you lately?", "every_other_week", [5], 14),
    ("Any blockers?", "on_certain_days", [2, 4], 10),
)
EVENTS = (
    "Sprint planning",
    "Design review",
    "Client call",
    "Launch day",
    "Retrospective",
    "Quarterly review",
    "Team offsite",
    "Release freeze",
    "Demo day",
    "Budget check-in",
)
TASKS = (
    "Draft the copy for",
    "Review the mockups of",
    "Book the venue for",
    "Fix the bug reported in",
    "Write tests for",
    "Update the roadmap for",
    "Send the invoice for",
    "Prepare the slides for",
    "Collect feedback on",
    "Plan the rollout of",
)
TOPICS = (
    "Kickoff notes",
    "Weekly update",
    "Heads-up: schedule change",
    "Decision log",
    "Welcome to the project",
    "Launch retrospective",
    "Open questions",
    "Budget summary",
)
TODOLISTS = ("Launch checklist", "Design", "Engineering", "Marketing")
DOCUMENTS = ("Launch plan", "Brand guidelines", "Meeting notes", "Press kit", "FAQ")
FILES = (
    ("hero.png", "image/png"),
    ("budget.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("contract.pdf", "application/pdf"),
    ("logo.svg", "image/svg+xml"),
)
FOLDERS = ("Photos", "Contracts", "Design assets", "Archive")
CARDS = ("Write the brief", "Hire a photographer", "Order samples", "Fix the footer", "Ship it")
REPLIES = ("Looks good to me.", "Can we move this to Friday?", "Done!", "+1", "On it.")
ANSWERS = ("Finished the spec sheet.", "Reviewed the mockups.", "Calls with the vendor.")
#: The recording types read as streams, by type: stream, then the active, archived and
#: trashed counts at scale 1 (to-do lists: plus four per project).
RECORDING_STREAMS = {
    "Todo": ("basecamp_todos", 420, 8, 5),
    "Message": ("basecamp_messages", 140, 4, 3),
    "Comment": ("basecamp_comments", 90, 3, 2),
    "Document": ("basecamp_documents", 24, 1, 1),
    "Upload": ("basecamp_uploads", 24, 1, 1),
    "Vault": ("basecamp_vaults", 12, 1, 1),
    "Todolist": ("basecamp_todolists", 10, 1, 1),
    "Question::Answer": ("basecamp_question_answers", 30, 1, 1),
    "Kanban::Card": ("basecamp_cards", 45, 2, 1),
}
#: What advance() adds and edits per type (at scale 1).
ADVANCE = {
    "Todo": (12, 10),
    "Message": (5, 4),
    "Comment": (6, 4),
    "Document": (2, 2),
    "Upload": (2, 1),
    "Vault": (1, 1),
    "Todolist": (2, 2),
    "Question::Answer": (3, 2),
    "Kanban::Card": (4, 3),
}


def _stamp(ms: int) -> str:
    moment = datetime.fromtimestamp(ms / 1000, tz=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def _theme(project_name: str) -> str:
    return project_name.partition(" #")[0].lower()


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def page_bounds(page: int) -> tuple[int, int]:
    """Offset and size of a 1-based page: 15, 30, 50, then 100 each (README "Pagination")."""
    geared = PAGE_SIZES[: page - 1]
    offset = sum(geared) + PAGE_SIZES[-1] * max(0, page - 1 - len(PAGE_SIZES))
    return offset, PAGE_SIZES[min(page, len(PAGE_SIZES)) - 1]


class BasecampSandbox(SandboxProvider):
    name = "basecamp"

    def __init__(
        self,
        *,
        scale: int = 1,
        seed: int = 7,
        token_max_requests: int = 50,
        rotate_refresh_tokens: bool = False,
        token_is_admin: bool = False,
        rate_limit: tuple[int, float] | None = None,
        account: str | None = None,
    ) -> None:
        super().__init__(scale=scale, seed=seed, account=account)
        #: API requests one access token serves before it answers 401 (expiry, sped up).
        self.token_max_requests = token_max_requests
        #: Issue a new refresh token with every grant (and refuse the previous one).
        self.rotate_refresh_tokens = rotate_refresh_tokens
        #: Whether the token's person is an admin: if not, others' emails are redacted.
        self.token_is_admin = token_is_admin
        #: (requests, seconds): answer 429 + Retry-After past that many API requests in
        #: any window of that length, as Basecamp does at 50 per 10 s. Off by default.
        self.rate_limit = rate_limit
        self.arrivals: deque[float] = deque()
        #: API requests answered 429 by the rate limit.
        self.throttled = 0
        self.refresh_token = self.own(REFRESH_TOKEN)
        self.issued_refresh_tokens = [self.refresh_token]
        self.access_tokens: dict[str, int] = {}  # token -> requests served
        self.advanced_ids: dict[str, set[int]] = {
            stream: set() for stream, *_ in RECORDING_STREAMS.values()
        }
        self._advances = 0
        # Basecamp ids are unique across accounts (people aside: the same person is in
        # each account): another account's ids start far apart.
        self._id_offset = (
            0 if account is None else (zlib.crc32(account.encode()) % 10**5 + 1) * 10**9
        )
        self._next_id = 9_007_199_254_741_000 + self._id_offset
        self._used_ms: set[int] = set()
        self.people = [self._person(i, name, title) for i, (name, title) in enumerate(PEOPLE)]
        #: The person the tokens belong to: not an admin, so emails are redacted for them.
        self.me = self.people[3]
        self.projects: list[dict[str, Any]] = []
        self.schedules: dict[int, dict[str, Any]] = {}
        self.entries: dict[int, list[dict[str, Any]]] = {}
        #: Card tables and questionnaires by dock tool id; "enabled" mirrors the dock.
        self.card_tables: dict[int, dict[str, Any]] = {}
        self.questionnaires: dict[int, dict[str, Any]] = {}
        self.questions: dict[int, list[dict[str, Any]]] = {}
        self.recordings: list[dict[str, Any]] = []
        self._build()

    # -- data -------------------------------------------------------------------------

    def _id(self) -> int:
        self._next_id += self.random.randint(1, 9)
        return self._next_id

    def _moment(self, start_ms: int, span_ms: int) -> int:
        """A random millisecond in the span that no other record uses (no bookmark ties)."""
        ms = start_ms + self.random.randrange(span_ms)
        while ms in self._used_ms:
            ms += 1
        self._used_ms.add(ms)
        return ms

    def _in_2025(self, last_day: int = 320) -> int:
        return self._moment(_ms(YEAR_2025), last_day * DAY_MS)

    def _person(self, index: int, name: str, title: str) -> dict[str, Any]:
        first = name.partition(" ")[0].lower()
        return {
            "id": 1_007_299_143 + index,
            "attachable_sgid": f"BAh7CEkiCGdpZAY6BkVUSSIrZ2lkOi8vYmMzL1BlcnNvbi8{index:04d}",
            "name": name,
            "email_address": f"{first}@honcho.example",
            "personable_type": "User",
            "title": title,
            "bio": None,
            "tagline": None,
            "location": None,
            "created_at": "2024-03-04T09:00:00.000Z",
            "updated_at": "2024-11-20T16:30:00.000Z",
            "admin": index < 2,
            "owner": index == 0,
            "client": False,
            "employee": True,
            "time_zone": "America/Chicago",
            "avatar_url": f"https://3.basecamp-static.com/{ACCOUNT_ID}/people/{index}/avatar-64",
            "company": {"id": 1_033_447_817, "name": "Honcho Design"},
            "can_ping": True,
            "can_manage_projects": True,
            "can_manage_people": index < 2,
            "can_access_timesheet": index < 4,
            "can_access_hill_charts": True,
        }

    def _build(self) -> None:
        count = 25 * self.scale
        disabled = set(self.random.sample(range(count), count // 5))
        for index in range(count):
            project = self._project(index, schedule_enabled=index not in disabled)
            self.projects.append(project)
        # Most recently created first (docs/providers/basecamp.md, "Projects").
        self.projects.sort(key=lambda p: p["created_at"], reverse=True)
        for project in self.projects:  # the lists every to-do's parent points at
            for list_index in range(len(TODOLISTS)):
                self.recordings.append(self._todolist_of(project, list_index, "active"))
        for kind, (_, active, archived, trashed) in RECORDING_STREAMS.items():
            made = self._maker(kind)
            for status, number in (("active", active), ("archived", archived)):
                self.recordings.extend(made(status) for _ in range(number * self.scale))
            self.recordings.extend(made("trashed") for _ in range(trashed * self.scale))

    def _maker(self, kind: str) -> Any:
        return {
            "Todo": self._todo,
            "Message": self._message,
            "Comment": self._comment,
            "Document": self._document,
            "Upload": self._upload,
            "Vault": self._vault,
            "Todolist": self._todolist_group,
            "Question::Answer": self._answer,
            "Kanban::Card": self._card,
        }[kind]

    def _project(self, index: int, *, schedule_enabled: bool) -> dict[str, Any]:
        project_id = 2_085_958_500 + self._id_offset + index
        name = f"{PROJECT_NAMES[index % len(PROJECT_NAMES)]} #{index + 1}"
        created = self._moment(_ms(YEAR_2025) - 300 * DAY_MS, 290 * DAY_MS)
        clients = self.random.random() < 0.3
        enabled = {
            "schedule": schedule_enabled,
            "questionnaire": index % 3 == 0,
            "inbox": False,
            "kanban_board": index % 4 == 0,
        }
        tools = [(kind, title, plural, enabled.get(kind, True)) for kind, title, plural in DOCK]
        if index % 8 == 0:  # a second, cloned card table and a disabled third one
            tools += [(DOCK[-1][0], title, DOCK[-1][2], on) for title, on in CLONED_BOARDS]
        dock: list[dict[str, Any]] = []
        position = 0
        for slot, (kind, title, plural, on) in enumerate(tools, start=1):
            tool_id = 1_069_479_000 + self._id_offset + index * 20 + slot
            position += on
            dock.append(
                {
                    "id": tool_id,
                    "title": title,
                    "name": kind,
                    "enabled": on,
                    "position": position if on else None,
                    "url": f"{API}/buckets/{project_id}/{plural}/{tool_id}.json",
                    "app_url": f"{APP}/buckets/{project_id}/{plural}/{tool_id}",
                }
            )
        project: dict[str, Any] = {
            "id": project_id,
            "status": "active",
            "created_at": _stamp(created),
            "updated_at": _stamp(self._in_2025()),
            "name": name,
            "description": f"Everything about {_theme(name)}.",
            "purpose": "topic",
            "clients_enabled": clients,
            "timesheet_enabled": self.random.random() < 0.5,
            "color": self.random.choice((None, "#1f7a8c", "#e07a5f")),
            "last_needle_color": self.random.choice((None, "green", "yellow", "red")),
            "last_needle_position": self.random.choice((None, 25, 50, 75)),
            "previous_needle_position": None,
            "bookmark_url": f"{API}/my/bookmarks/BAh7Bk{project_id}.json",
            "url": f"{API}/projects/{project_id}.json",
            "app_url": f"{APP}/projects/{project_id}",
            "dock": dock,
            "bookmarked": self.random.random() < 0.2,
            "all_access": False,
            "star_url": f"{API}/projects/{project_id}/star.json",
            "people": {
                "team": {
                    "count": len(self.people),
                    "sample": [
                        {"id": p["id"], "name": p["name"], "avatar_url": p["avatar_url"]}
                        for p in self.people[:3]
                    ],
                }
            },
        }
        if clients:
            project["client_company"] = {"id": 1_033_448_000 + index, "name": "Leto Brand"}
            project["clientside"] = {
                "url": f"{API}/buckets/{project_id}/client/board.json",
                "app_url": f"{APP}/buckets/{project_id}/client/board",
            }
        for tool in dock:
            if tool["name"] == "schedule":
                self._schedule(project, tool, enabled=tool["enabled"])
            elif tool["name"] == "kanban_board":
                self._card_table(project, tool)
            elif tool["name"] == "questionnaire":
                self._questionnaire(project, tool)
        return project

    def _tool(self, project: dict[str, Any], name: str) -> dict[str, Any]:
        return next(t for t in project["dock"] if t["name"] == name)

    def _bucket(self, project: dict[str, Any]) -> dict[str, Any]:
        return {"id": project["id"], "name": project["name"], "type": "Project"}

    def _container(self, project: dict[str, Any], tool: dict[str, Any]) -> dict[str, Any]:
        """The fields a dock tool's own object shares with recordings (no parent)."""
        return {
            "id": tool["id"],
            "status": "active",
            "visible_to_clients": False,
            "created_at": project["created_at"],
            "updated_at": project["created_at"],
            "title": tool["title"],
            "inherits_status": True,
            "url": tool["url"],
            "app_url": tool["app_url"],
            "bookmark_url": f"{API}/my/bookmarks/BAh7Bs{tool['id']}.json",
            "position": tool["position"],
            "bucket": self._bucket(project),
            "creator": self.random.choice(self.people),
            "enabled": tool["enabled"],  # not sent: the dock says it
        }

    def _schedule(self, project: dict[str, Any], tool: dict[str, Any], *, enabled: bool) -> None:
        schedule_id = tool["id"]
        entries = (
            [self._entry(project, schedule_id) for _ in range(self.random.randint(4, 42))]
            if enabled
            else []
        )
        entries.sort(key=lambda e: (e["starts_at"], e["id"]))
        self.entries[schedule_id] = entries
        schedule = self._container(project, tool)
        schedule.update(
            updated_at=max([project["created_at"], *(e["updated_at"] for e in entries)]),
            type="Schedule",
            entries_count=len(entries),
            entries_url=f"{API}/buckets/{project['id']}/schedules/{schedule_id}/entries.json",
            include_due_assignments=True,
        )
        self.schedules[schedule_id] = schedule

    def _card_table(self, project: dict[str, Any], tool: dict[str, Any]) -> None:
        board = self._container(project, tool)
        board_id = board["id"]
        up = self._parent(project, board_id, board["title"], "Kanban::Board")
        lists: list[dict[str, Any]] = []
        for title, kind in COLUMNS:
            column = self._recording(kind, "card_tables/columns", project, "active", title)
            for gone in ("comments_url", "boosts_count", "boosts_url"):
                del column[gone]
            column.update(
                parent=up,
                description=None if kind != "Kanban::Column" else f"<div>{title}.</div>",
                subscribers=self.random.sample(self.people, self.random.randint(0, 2)),
                color=None if kind != "Kanban::Column" else self.random.choice(("blue", "red")),
                comment_count=column["comments_count"],
                cards_url=f"{API}/buckets/{project['id']}/card_tables/lists/{column['id']}"
                "/cards.json",
            )
            if kind == "Kanban::Column":  # only these have a position
                column["position"] = sum(1 for c in lists if c["type"] == kind) + 1
            lists.append(column)
        board.update(
            type="Kanban::Board",
            subscription_url=f"{API}/buckets/{project['id']}/recordings/{board_id}"
            "/subscription.json",
            subscribers=self.random.sample(self.people, 2),
            public_link_url=None,
            lists=lists,
            wormholes=[],
        )
        self.card_tables[board_id] = board

    def _questionnaire(self, project: dict[str, Any], tool: dict[str, Any]) -> None:
        questionnaire = self._container(project, tool)
        questionnaire["type"] = "Questionnaire"
        self.questionnaires[tool["id"]] = questionnaire
        up = self._parent(project, tool["id"], tool["title"], "Questionnaire")
        questions = []
        picks = QUESTIONS[: self.random.randint(1, len(QUESTIONS))] if tool["enabled"] else ()
        for title, frequency, days, hour in picks:
            question = self._recording("Question", "questions", project, "active", title)
            for gone in ("comments_count", "comments_url", "boosts_count", "boosts_url"):
                del question[gone]
            question.update(
                parent=up,
                paused=self.random.random() < 0.2,
                schedule={
                    "frequency": frequency,
                    "days": days,
                    "hour": hour,
                    "minute": 0,
                    "week_instance": None,
                    "week_interval": None,
                    "month_interval": None,
                    "start_date": question["created_at"][:10],
                    "duration": None,
                    "end_date": None,
                },
                answers_count=0,
                answers_url=f"{API}/buckets/{project['id']}/questions/{question['id']}"
                "/answers.json",
            )
            questions.append(question)
        self.questions[tool["id"]] = questions

    def _recording(
        self,
        kind: str,
        plural: str,
        project: dict[str, Any],
        status: str,
        title: str,
        *,
        record_id: int | None = None,
    ) -> dict[str, Any]:
        record_id = record_id or self._id()
        bucket = project["id"]
        created = self._in_2025()  # January to mid-November 2025
        updated = self._moment(created, 10 * DAY_MS)  # so all before December: see advance()
        return {
            "id": record_id,
            "status": status,
            "visible_to_clients": self.random.random() < 0.1,
            "created_at": _stamp(created),
            "updated_at": _stamp(updated),
            "title": title,
            "inherits_status": True,
            "type": kind,
            "url": f"{API}/buckets/{bucket}/{plural}/{record_id}.json",
            "app_url": f"{APP}/buckets/{bucket}/{plural}/{record_id}",
            "bookmark_url": f"{API}/my/bookmarks/BAh7Br{record_id}.json",
            "subscription_url": f"{API}/buckets/{bucket}/recordings/{record_id}/subscription.json",
            "comments_count": self.random.randint(0, 6),
            "comments_url": f"{API}/buckets/{bucket}/recordings/{record_id}/comments.json",
            "boosts_count": self.random.randint(0, 3),
            "boosts_url": f"{API}/buckets/{bucket}/recordings/{record_id}/boosts.json",
            "bucket": self._bucket(project),
            "creator": self.random.choice(self.people),
        }

    def _parent(
        self, project: dict[str, Any], parent_id: int, title: str, kind: str
    ) -> dict[str, Any]:
        plural = {
            "Schedule": "schedules",
            "Todolist": "todolists",
            "Todoset": "todosets",
            "Vault": "vaults",
            "Kanban::Board": "card_tables",
            "Questionnaire": "questionnaires",
            "Question": "questions",
            "Message": "messages",
            "Todo": "todos",
        }.get(kind, "card_tables/columns" if kind.startswith("Kanban::") else "message_boards")
        return {
            "id": parent_id,
            "title": title,
            "type": kind,
            "url": f"{API}/buckets/{project['id']}/{plural}/{parent_id}.json",
            "app_url": f"{APP}/buckets/{project['id']}/{plural}/{parent_id}",
        }

    def _up(self, record: dict[str, Any]) -> dict[str, Any]:
        """A recording as the parent of another."""
        project = next(p for p in self.projects if p["id"] == record["bucket"]["id"])
        return self._parent(project, record["id"], record["title"], record["type"])

    def _entry(self, project: dict[str, Any], schedule_id: int) -> dict[str, Any]:
        summary = self.random.choice(EVENTS)
        entry = self._recording("Schedule::Entry", "schedule_entries", project, "active", summary)
        all_day = self.random.random() < 0.2
        starts = (self._in_2025(365) // DAY_MS) * DAY_MS if all_day else self._in_2025(365)
        ends = starts + (DAY_MS if all_day else self.random.choice((1, 2, 3)) * 3_600_000)
        entry.update(
            parent=self._parent(project, schedule_id, "Schedule", "Schedule"),
            description=f"<div>{summary} for {project['name']}.</div>",
            description_attachments=[],
            summary=summary,
            all_day=all_day,
            starts_at=_stamp(starts),
            ends_at=_stamp(ends),
            participants=self.random.sample(self.people, self.random.randint(1, 3)),
            highlighted=False,
            join_url=None,
        )
        return entry

    def _todo(self, status: str) -> dict[str, Any]:
        project = self.random.choice(self.projects)
        content = f"{self.random.choice(TASKS)} {_theme(project['name'])}"
        todo = self._recording("Todo", "todos", project, status, content)
        list_index = self.random.randrange(len(TODOLISTS))
        due = self.random.random() < 0.6
        due_day = YEAR_2025 + timedelta(days=self.random.randrange(365))
        todo.update(
            parent=self._parent(
                project, project["id"] * 10 + list_index, TODOLISTS[list_index], "Todolist"
            ),
            description="<div>See the brief in Docs &amp; Files.</div>",
            description_attachments=[],
            content=content,
            starts_on=(due_day - timedelta(days=3)).date().isoformat() if due else None,
            due_on=due_day.date().isoformat() if due else None,
            assignees=self.random.sample(self.people, self.random.randint(0, 2)),
            completion_subscribers=self.random.sample(self.people, self.random.randint(0, 1)),
            completion_url=f"{todo['url'][:-5]}/completion.json",
            position=self.random.randint(1, 40),
            steps=[],
        )
        self._set_completed(todo, self.random.random() < 0.3)
        return todo

    def _set_completed(self, todo: dict[str, Any], completed: bool) -> None:
        todo["completed"] = completed
        todo["completion"] = (
            {"created_at": todo["updated_at"], "creator": self.random.choice(self.people)}
            if completed
            else None
        )

    def _message(self, status: str) -> dict[str, Any]:
        project = self.random.choice(self.projects)
        subject = self.random.choice(TOPICS)
        message = self._recording("Message", "messages", project, status, subject)
        board = project["dock"][0]["id"]
        message.update(
            parent=self._parent(project, board, "Message Board", "Message::Board"),
            subject=subject,
            content=f"<div><strong>{subject}</strong> for {project['name']}.</div>",
            content_attachments=[],
        )
        return message

    def _pick(self, *kinds: str) -> dict[str, Any]:
        """An active recording of one of the kinds, made before this one."""
        pool = [r for r in self.recordings if r["type"] in kinds and r["status"] == "active"]
        return self.random.choice(pool)

    def _project_of(self, record: dict[str, Any]) -> dict[str, Any]:
        return next(p for p in self.projects if p["id"] == record["bucket"]["id"])

    def _comment(self, status: str) -> dict[str, Any]:
        on = self._pick("Todo", "Message")
        project = self._project_of(on)
        comment = self._recording("Comment", "comments", project, status, f"Re: {on['title']}")
        for gone in ("subscription_url", "comments_count", "comments_url"):
            del comment[gone]  # comments.md: a comment has neither
        comment.update(
            parent=self._up(on),
            content=f"<div>{self.random.choice(REPLIES)}</div>",
            content_attachments=[],
        )
        return comment

    def _in_vault(self, kind: str, plural: str, status: str, title: str) -> dict[str, Any]:
        project = self.random.choice(self.projects)
        record = self._recording(kind, plural, project, status, title)
        root = self._tool(project, "vault")
        record.update(
            parent=self._parent(project, root["id"], root["title"], "Vault"),
            position=self.random.randint(1, 30),
        )
        return record

    def _document(self, status: str) -> dict[str, Any]:
        title = self.random.choice(DOCUMENTS)
        document = self._in_vault("Document", "documents", status, title)
        document.update(content=f"<div><h1>{title}</h1></div>", content_attachments=[])
        return document

    def _upload(self, status: str) -> dict[str, Any]:
        filename, content_type = self.random.choice(FILES)
        upload = self._in_vault("Upload", "uploads", status, filename)
        image = content_type.startswith("image/")
        download = f"{upload['url'][:-5]}/download/{filename}"
        upload.update(
            description="",
            description_attachments=[],
            content_type=content_type,
            byte_size=self.random.randint(2_000, 9_000_000),
            filename=filename,
            download_url=download,
            app_download_url=download.replace(API, APP),
            width=self.random.choice((640, 1024)) if image else None,
            height=self.random.choice((480, 768)) if image else None,
        )
        return upload

    def _vault(self, status: str) -> dict[str, Any]:
        vault = self._in_vault("Vault", "vaults", status, self.random.choice(FOLDERS))
        for gone in ("subscription_url", "comments_count", "comments_url"):
            del vault[gone]  # vaults.md: a folder has none of these
        del vault["boosts_count"], vault["boosts_url"]
        base = vault["url"][:-5]
        vault.update(
            documents_count=self.random.randint(0, 4),
            documents_url=f"{base}/documents.json",
            uploads_count=self.random.randint(0, 9),
            uploads_url=f"{base}/uploads.json",
            vaults_count=0,
            vaults_url=f"{base}/vaults.json",
        )
        return vault

    def _todolist_fields(self, todolist: dict[str, Any], name: str) -> None:
        base = todolist["url"][:-5]
        todolist.update(
            name=name,
            description="",
            description_attachments=[],
            completed=False,
            completed_ratio=f"0/{self.random.randint(1, 9)}",
            color=None,
            position=self.random.randint(1, 9),
            todos_url=f"{base}/todos.json",
            app_todos_url=f"{todolist['app_url']}/todos",
            comments_app_url=f"{todolist['app_url']}#comments",
            bubble_up_url=f"{API}/my/bubble_ups/{todolist['id']}.json",
        )

    def _todolist_of(self, project: dict[str, Any], list_index: int, status: str) -> dict[str, Any]:
        """The to-do list every to-do of this project and index points at."""
        name = TODOLISTS[list_index]
        todolist = self._recording(
            "Todolist",
            "todolists",
            project,
            status,
            name,
            record_id=project["id"] * 10 + list_index,
        )
        todoset = self._tool(project, "todoset")
        todolist["parent"] = self._parent(project, todoset["id"], todoset["title"], "Todoset")
        self._todolist_fields(todolist, name)
        todolist["groups_url"] = f"{todolist['url'][:-5]}/groups.json"
        return todolist

    def _todolist_group(self, status: str) -> dict[str, Any]:
        """A group: a Todolist whose parent is a Todolist (todolist_groups.md)."""
        of = self._pick("Todolist")
        project = self._project_of(of)
        name = self.random.choice(("Phase 1", "Phase 2", "Later"))
        group = self._recording("Todolist", "todolists", project, status, name)
        group["parent"] = self._up(of)
        self._todolist_fields(group, name)
        group["color"] = self.random.choice(("green", "blue"))
        group["group_position_url"] = f"{API}/buckets/{project['id']}/todolists/groups/"
        group["group_position_url"] += f"{group['id']}/position.json"
        return group

    def _answer(self, status: str) -> dict[str, Any]:
        question = self.random.choice([q for qs in self.questions.values() for q in qs])
        project = self._project_of(question)
        answer = self._recording("Question::Answer", "question_answers", project, status, "")
        answer.update(
            title=question["title"],
            parent=self._up(question),
            content=f"<div>{self.random.choice(ANSWERS)}</div>",
            content_attachments=[],
            group_on=answer["created_at"][:10],
        )
        return answer

    def _card(self, status: str) -> dict[str, Any]:
        board = self.random.choice([b for b in self.card_tables.values() if b["enabled"]])
        column = self.random.choice(board["lists"])
        project = self._project_of(board)
        title = self.random.choice(CARDS)
        card = self._recording("Kanban::Card", "card_tables/cards", project, status, title)
        done = column["type"] == "Kanban::DoneColumn"
        card.update(
            parent=self._up(column),
            content=f"<div>{title}.</div>",
            description=f"<div>{title}.</div>",
            description_attachments=[],
            completed=done,
            due_on=None,
            assignees=self.random.sample(self.people, self.random.randint(0, 2)),
            completion_subscribers=[],
            completion_url=f"{API}/buckets/{project['id']}/todos/{card['id']}/completion.json",
            position=self.random.randint(1, 20),
            comment_count=card["comments_count"],
            steps=[],
        )
        return card

    @override
    def advance(self) -> None:
        """New and edited recordings of every type, all updated after everything before.

        People get a new title and a question is paused: the full-table streams show it.
        """
        self._advances += 1
        start = _ms(YEAR_2025) + (333 + 7 * self._advances) * DAY_MS  # December 2025 on
        for kind, (new, edited) in ADVANCE.items():
            made = self._maker(kind)
            fresh = [made("active") for _ in range(new * self.scale)]
            active = [r for r in self.recordings if r["type"] == kind and r["status"] == "active"]
            changed = self.random.sample(active, edited * self.scale)
            for record in fresh + changed:
                record["updated_at"] = _stamp(self._moment(start, 6 * DAY_MS))
            for record in fresh:
                record["created_at"] = record["updated_at"]
            for record in changed:
                record["title"] = record["title"] + " (edited)"
                if kind == "Todo":
                    self._set_completed(record, True)
            self.recordings.extend(fresh)
            self.advanced_ids[RECORDING_STREAMS[kind][0]] = {r["id"] for r in fresh + changed}
        self.people[-1]["title"] = f"{self.people[-1]['title']} (promoted)"
        questions = [q for qs in self.questions.values() for q in qs]
        if questions:
            questions[0]["paused"] = not questions[0]["paused"]

    # -- API ----------------------------------------------------------------------------

    @override
    def routes(self) -> list[Route]:
        account = f"/{ACCOUNT_ID}"
        bucket = account + r"/buckets/(?P<project>\d+)"
        bucket_schedule = bucket + r"/schedules/(?P<schedule>\d+)"
        return [
            route("POST", TOKEN_PATH, self._token),
            route("GET", account + r"/projects\.json", self._projects),
            route("GET", account + r"/projects/(?P<project>\d+)\.json", self._project_one),
            route("GET", bucket_schedule + r"\.json", self._schedule_one),
            route("GET", bucket_schedule + r"/entries\.json", self._entries),
            route("GET", account + r"/projects/recordings\.json", self._recordings),
            route("GET", account + r"/people\.json", self._people),
            route("GET", bucket + r"/card_tables/(?P<tool>\d+)\.json", self._card_table_one),
            route(
                "GET", bucket + r"/questionnaires/(?P<tool>\d+)/questions\.json", self._questions
            ),
        ]

    @override
    def authorize(self, request: Request) -> Response | None:
        if request.path == TOKEN_PATH:
            return None
        agent = request.headers.get("User-Agent") or ""
        if not CONTACT.search(agent):
            return json_response(
                {
                    "error": "A User-Agent header with your app name and a contact (email or "
                    "URL) is required, e.g. 'MyApp (yourname@example.com)'"
                },
                400,
            )
        throttled = self._throttle()
        if throttled is not None:
            return throttled
        token = request.bearer_token()
        served = self.access_tokens.get(token or "")
        if served is None or served >= self.token_max_requests:
            return json_response({"error": "OAuth token expired or invalid"}, 401)
        self.access_tokens[token or ""] = served + 1
        if not request.path.startswith(f"/{ACCOUNT_ID}/"):
            return json_response({"error": "Account not found"}, 404)
        return None

    def _throttle(self) -> Response | None:
        """429 for a request past ``rate_limit`` in the sliding window (README "Rate limiting")."""
        if self.rate_limit is None:
            return None
        limit, window = self.rate_limit
        now = time.monotonic()
        while self.arrivals and self.arrivals[0] <= now - window:
            self.arrivals.popleft()
        if len(self.arrivals) >= limit:
            self.throttled += 1
            wait = max(1, math.ceil(self.arrivals[0] + window - now))
            return json_response({"error": "Too Many Requests"}, 429, **{"Retry-After": str(wait)})
        self.arrivals.append(now)
        return None

    def _token(self, request: Request, match: re.Match[str]) -> Response:
        form = request.form()
        if form.get("grant_type") != "refresh_token":
            return json_response({"error": "unsupported_grant_type"}, 400)
        if (form.get("client_id"), form.get("client_secret")) != (
            self.own(CLIENT_ID),
            self.own(CLIENT_SECRET),
        ):
            return json_response({"error": "invalid_client"}, 401)
        if form.get("refresh_token") != self.refresh_token:
            return json_response({"error": "invalid_grant"}, 400)
        token = f"{self.own('sandbox-basecamp-access-token')}-{len(self.access_tokens) + 1:04d}"
        self.access_tokens[token] = 0
        if self.rotate_refresh_tokens:
            number = len(self.issued_refresh_tokens) + 1
            self.refresh_token = f"{self.own(REFRESH_TOKEN)}-{number:04d}"
            self.issued_refresh_tokens.append(self.refresh_token)
        return json_response(
            {
                "access_token": token,
                "token_type": "Bearer",
                "expires_in": EXPIRES_IN,
                "refresh_token": self.refresh_token,
            }
        )

    def _visible(self, body: Any) -> Any:
        """The body as the token's person sees it: others' emails redacted unless admin."""
        if self.token_is_admin:
            return body
        if isinstance(body, list):
            return [self._visible(item) for item in body]
        if not isinstance(body, dict):
            return body
        shown = {k: self._visible(v) if isinstance(v, (dict, list)) else v for k, v in body.items()}
        if "personable_type" in shown and shown["id"] != self.me["id"]:
            local, _, domain = str(shown["email_address"]).partition("@")
            shown["email_address"] = (
                local[:1] + REDACTED * 4 + "@" + re.sub(r"[^.]", REDACTED, domain)
            )
        return shown

    def _one(self, body: dict[str, Any]) -> Response:
        return json_response(self._visible({k: v for k, v in body.items() if k != "enabled"}))

    def _page(self, request: Request, rows: list[dict[str, Any]]) -> Response:
        page = request.int_arg("page", 1)
        if page < 1:
            raise BadRequest("'page' must be 1 or more")
        offset, size = page_bounds(page)
        headers = {"X-Total-Count": str(len(rows))}
        if offset + size < len(rows):
            query = [(k, v) for k, values in request.query.items() if k != "page" for v in values]
            next_url = f"{request.base_url}{request.path}?{urlencode([*query, ('page', page + 1)])}"
            headers["Link"] = f'<{next_url}>; rel="next"'
        return Response(200, self._visible(rows[offset : offset + size]), headers)

    def _status(self, request: Request) -> str:
        status = request.arg("status", "active") or "active"
        if status not in STATUSES:
            raise BadRequest(f"'status' must be one of {', '.join(STATUSES)}")
        return status

    def _projects(self, request: Request, match: re.Match[str]) -> Response:
        status = self._status(request)
        return self._page(request, [p for p in self.projects if p["status"] == status])

    def _project_one(self, request: Request, match: re.Match[str]) -> Response:
        project_id = int(match["project"])
        found = [p for p in self.projects if p["id"] == project_id]
        return self._one(found[0]) if found else json_response({"error": "Not Found"}, 404)

    def _people(self, request: Request, match: re.Match[str]) -> Response:
        return self._page(request, self.people)

    def _in_project(
        self, found: dict[str, Any] | None, match: re.Match[str]
    ) -> dict[str, Any] | None:
        if found is None or not found["enabled"]:
            return None  # a disabled tool is not there to read
        return found if found["bucket"]["id"] == int(match["project"]) else None

    def _schedule_one(self, request: Request, match: re.Match[str]) -> Response:
        schedule = self._in_project(self.schedules.get(int(match["schedule"])), match)
        if schedule is None:
            return json_response({"error": "Not Found"}, 404)
        return self._one(schedule)

    def _entries(self, request: Request, match: re.Match[str]) -> Response:
        schedule = self._in_project(self.schedules.get(int(match["schedule"])), match)
        if schedule is None:
            return json_response({"error": "Not Found"}, 404)
        status = self._status(request)
        rows = [e for e in self.entries[schedule["id"]] if e["status"] == status]
        return self._page(request, rows)

    def _card_table_one(self, request: Request, match: re.Match[str]) -> Response:
        board = self._in_project(self.card_tables.get(int(match["tool"])), match)
        if board is None:
            return json_response({"error": "Not Found"}, 404)
        cards: dict[int, int] = {}
        for r in self.recordings:
            if r["type"] == "Kanban::Card" and r["status"] == "active":
                cards[r["parent"]["id"]] = cards.get(r["parent"]["id"], 0) + 1
        lists = [{**column, "cards_count": cards.get(column["id"], 0)} for column in board["lists"]]
        return self._one({**board, "lists": lists})

    def _questions(self, request: Request, match: re.Match[str]) -> Response:
        questionnaire = self._in_project(self.questionnaires.get(int(match["tool"])), match)
        if questionnaire is None:
            return json_response({"error": "Not Found"}, 404)
        return self._page(request, self.questions[questionnaire["id"]])

    def _recordings(self, request: Request, match: re.Match[str]) -> Response:
        kind = request.arg("type")
        if kind not in RECORDING_TYPES:
            raise BadRequest(f"'type' is required and must be one of {', '.join(RECORDING_TYPES)}")
        status = self._status(request)
        sort = request.arg("sort", "created_at") or "created_at"
        direction = request.arg("direction", "desc") or "desc"
        if sort not in ("created_at", "updated_at") or direction not in ("asc", "desc"):
            raise BadRequest("'sort' must be created_at or updated_at; 'direction' asc or desc")
        bucket_arg = request.arg("bucket")
        buckets = (
            {int(b) for b in bucket_arg.split(",") if b.strip().isdigit()}
            if bucket_arg
            else {p["id"] for p in self.projects if p["status"] == "active"}
        )
        pool = (
            [e for rows in self.entries.values() for e in rows]
            if kind == "Schedule::Entry"
            else self.recordings
        )
        rows = [
            r
            for r in pool
            if r["type"] == kind and r["status"] == status and r["bucket"]["id"] in buckets
        ]
        rows.sort(key=lambda r: (r[sort], r["id"]), reverse=direction == "desc")
        return self._page(request, rows)

    # -- harness -------------------------------------------------------------------------

    @override
    def tap_config(self, base_url: str) -> dict[str, Any]:
        return {
            "account_id": ACCOUNT_ID,
            "client_id": self.own(CLIENT_ID),
            "client_secret": self.own(CLIENT_SECRET),
            # The current one: after a rotation, a user would have stored the new token.
            "refresh_token": self.refresh_token,
            "token_url": f"{base_url}{TOKEN_PATH}",
            "base_url": base_url,
            "requests_per_second": 200,
        }

    def _active(self, kind: str) -> int:
        return sum(1 for r in self.recordings if r["type"] == kind and r["status"] == "active")

    @override
    def expected_counts(self) -> dict[str, int]:
        enabled = [s for s in self.schedules.values() if s["enabled"]]
        boards = [b for b in self.card_tables.values() if b["enabled"]]
        asked = [q for q in self.questionnaires.values() if q["enabled"]]
        return {
            "basecamp_projects": len(self.projects),
            "basecamp_schedules": len(enabled),
            "basecamp_schedule_entries": sum(len(self.entries[s["id"]]) for s in enabled),
            **{stream: self._active(kind) for kind, (stream, *_) in RECORDING_STREAMS.items()},
            "basecamp_people": len(self.people),
            "basecamp_card_tables": len(boards),
            "basecamp_card_table_columns": sum(len(b["lists"]) for b in boards),
            "basecamp_questions": sum(len(self.questions[q["id"]]) for q in asked),
        }

    @override
    def secrets(self) -> list[str]:
        return [self.own(CLIENT_SECRET), *self.issued_refresh_tokens, *self.access_tokens]
