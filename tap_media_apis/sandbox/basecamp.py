"""Sandbox part for Basecamp 4 (api-reference.md §5).

What it enforces, like the real API: a User-Agent with a contact (400), the account id
in the path, bearer tokens from the Launchpad refresh_token grant (401 once a token has
served ``token_max_requests`` requests), ``type`` on recordings (400), geared page sizes
15/30/50/100 with ``Link: rel="next"`` and ``X-Total-Count``, and disabled dock tools.
"""

from __future__ import annotations

import re
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
)
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
DOCK = (
    ("message_board", "Message Board", "message_boards", True),
    ("todoset", "To-dos", "todosets", True),
    ("vault", "Docs & Files", "vaults", True),
    ("chat", "Chat", "chats", True),
    ("schedule", "Schedule", "schedules", True),
    ("questionnaire", "Automatic Check-ins", "questionnaires", False),
    ("inbox", "Email Forwards", "inboxes", False),
    ("kanban_board", "Card Table", "card_tables", False),
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


def _stamp(ms: int) -> str:
    moment = datetime.fromtimestamp(ms / 1000, tz=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def _theme(project_name: str) -> str:
    return project_name.partition(" #")[0].lower()


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def page_bounds(page: int) -> tuple[int, int]:
    """Offset and size of a 1-based page: 15, 30, 50, then 100 each (§5 Pagination)."""
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
    ) -> None:
        super().__init__(scale=scale, seed=seed)
        #: API requests one access token serves before it answers 401 (expiry, sped up).
        self.token_max_requests = token_max_requests
        #: Issue a new refresh token with every grant (and refuse the previous one).
        self.rotate_refresh_tokens = rotate_refresh_tokens
        self.refresh_token = REFRESH_TOKEN
        self.issued_refresh_tokens = [REFRESH_TOKEN]
        self.access_tokens: dict[str, int] = {}  # token -> requests served
        self.advanced_ids: dict[str, set[int]] = {
            "basecamp_todos": set(),
            "basecamp_messages": set(),
        }
        self._advances = 0
        self._next_id = 9_007_199_254_741_000
        self._used_ms: set[int] = set()
        self.people = [self._person(i, name, title) for i, (name, title) in enumerate(PEOPLE)]
        self.projects: list[dict[str, Any]] = []
        self.schedules: dict[int, dict[str, Any]] = {}
        self.entries: dict[int, list[dict[str, Any]]] = {}
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
        # Most recently created first (§5.1).
        self.projects.sort(key=lambda p: p["created_at"], reverse=True)
        for _ in range(420 * self.scale):
            self.recordings.append(self._todo("active"))
        for _ in range(140 * self.scale):
            self.recordings.append(self._message("active"))
        for status, todos, messages in (("archived", 8, 4), ("trashed", 5, 3)):
            self.recordings.extend(self._todo(status) for _ in range(todos * self.scale))
            self.recordings.extend(self._message(status) for _ in range(messages * self.scale))

    def _project(self, index: int, *, schedule_enabled: bool) -> dict[str, Any]:
        project_id = 2_085_958_500 + index
        name = f"{PROJECT_NAMES[index % len(PROJECT_NAMES)]} #{index + 1}"
        created = self._moment(_ms(YEAR_2025) - 300 * DAY_MS, 290 * DAY_MS)
        clients = self.random.random() < 0.3
        dock = []
        for position, (tool, title, plural, enabled) in enumerate(DOCK, start=1):
            on = schedule_enabled if tool == "schedule" else enabled
            tool_id = 1_069_479_000 + index * 10 + position
            dock.append(
                {
                    "id": tool_id,
                    "title": title,
                    "name": tool,
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
        }
        if clients:
            project["client_company"] = {"id": 1_033_448_000 + index, "name": "Leto Brand"}
            project["clientside"] = {
                "url": f"{API}/buckets/{project_id}/client/board.json",
                "app_url": f"{APP}/buckets/{project_id}/client/board",
            }
        self._schedule(project, dock[4], enabled=schedule_enabled)
        return project

    def _bucket(self, project: dict[str, Any]) -> dict[str, Any]:
        return {"id": project["id"], "name": project["name"], "type": "Project"}

    def _schedule(self, project: dict[str, Any], tool: dict[str, Any], *, enabled: bool) -> None:
        schedule_id = tool["id"]
        entries = (
            [self._entry(project, schedule_id) for _ in range(self.random.randint(4, 42))]
            if enabled
            else []
        )
        entries.sort(key=lambda e: (e["starts_at"], e["id"]))
        self.entries[schedule_id] = entries
        self.schedules[schedule_id] = {
            "id": schedule_id,
            "status": "active",
            "visible_to_clients": False,
            "created_at": project["created_at"],
            "updated_at": max([project["created_at"], *(e["updated_at"] for e in entries)]),
            "title": "Schedule",
            "inherits_status": True,
            "type": "Schedule",
            "url": tool["url"],
            "app_url": tool["app_url"],
            "bookmark_url": f"{API}/my/bookmarks/BAh7Bs{schedule_id}.json",
            "position": tool["position"],
            "bucket": self._bucket(project),
            "creator": self.random.choice(self.people),
            "entries_count": len(entries),
            "entries_url": f"{API}/buckets/{project['id']}/schedules/{schedule_id}/entries.json",
            "include_due_assignments": True,
            "enabled": enabled,  # not sent: the dock says it
        }

    def _recording(
        self, kind: str, plural: str, project: dict[str, Any], status: str, title: str
    ) -> dict[str, Any]:
        record_id = self._id()
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
        plural = {"Schedule": "schedules", "Todolist": "todolists"}.get(kind, "message_boards")
        return {
            "id": parent_id,
            "title": title,
            "type": kind,
            "url": f"{API}/buckets/{project['id']}/{plural}/{parent_id}.json",
            "app_url": f"{APP}/buckets/{project['id']}/{plural}/{parent_id}",
        }

    def _entry(self, project: dict[str, Any], schedule_id: int) -> dict[str, Any]:
        summary = self.random.choice(EVENTS)
        entry = self._recording("Schedule::Entry", "schedule_entries", project, "active", summary)
        all_day = self.random.random() < 0.2
        starts = (self._in_2025(365) // DAY_MS) * DAY_MS if all_day else self._in_2025(365)
        ends = starts + (DAY_MS if all_day else self.random.choice((1, 2, 3)) * 3_600_000)
        entry.update(
            parent=self._parent(project, schedule_id, "Schedule", "Schedule"),
            description=f"<div>{summary} for {project['name']}.</div>",
            summary=summary,
            all_day=all_day,
            starts_at=_stamp(starts),
            ends_at=_stamp(ends),
            participants=self.random.sample(self.people, self.random.randint(1, 3)),
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
            content=content,
            starts_on=(due_day - timedelta(days=3)).date().isoformat() if due else None,
            due_on=due_day.date().isoformat() if due else None,
            assignees=self.random.sample(self.people, self.random.randint(0, 2)),
            completion_subscribers=self.random.sample(self.people, self.random.randint(0, 1)),
            completion_url=f"{todo['url'][:-5]}/completion.json",
            position=self.random.randint(1, 40),
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
        )
        return message

    @override
    def advance(self) -> None:
        """New and edited to-dos and messages, all updated after everything before."""
        self._advances += 1
        start = _ms(YEAR_2025) + (333 + 7 * self._advances) * DAY_MS  # December 2025 on
        for stream, kind, new, edited in (
            ("basecamp_todos", "Todo", 12, 10),
            ("basecamp_messages", "Message", 5, 4),
        ):
            made = self._todo if kind == "Todo" else self._message
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
            self.advanced_ids[stream] = {r["id"] for r in fresh + changed}

    # -- API ----------------------------------------------------------------------------

    @override
    def routes(self) -> list[Route]:
        account = f"/{ACCOUNT_ID}"
        bucket_schedule = account + r"/buckets/(?P<project>\d+)/schedules/(?P<schedule>\d+)"
        return [
            route("POST", TOKEN_PATH, self._token),
            route("GET", account + r"/projects\.json", self._projects),
            route("GET", account + r"/projects/(?P<project>\d+)\.json", self._project_one),
            route("GET", bucket_schedule + r"\.json", self._schedule_one),
            route("GET", bucket_schedule + r"/entries\.json", self._entries),
            route("GET", account + r"/projects/recordings\.json", self._recordings),
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
        token = request.bearer_token()
        served = self.access_tokens.get(token or "")
        if served is None or served >= self.token_max_requests:
            return json_response({"error": "OAuth token expired or invalid"}, 401)
        self.access_tokens[token or ""] = served + 1
        if not request.path.startswith(f"/{ACCOUNT_ID}/"):
            return json_response({"error": "Account not found"}, 404)
        return None

    def _token(self, request: Request, match: re.Match[str]) -> Response:
        form = request.form()
        if form.get("grant_type") != "refresh_token":
            return json_response({"error": "unsupported_grant_type"}, 400)
        if (form.get("client_id"), form.get("client_secret")) != (CLIENT_ID, CLIENT_SECRET):
            return json_response({"error": "invalid_client"}, 401)
        if form.get("refresh_token") != self.refresh_token:
            return json_response({"error": "invalid_grant"}, 400)
        token = f"sandbox-basecamp-access-token-{len(self.access_tokens) + 1:04d}"
        self.access_tokens[token] = 0
        if self.rotate_refresh_tokens:
            self.refresh_token = f"{REFRESH_TOKEN}-{len(self.issued_refresh_tokens) + 1:04d}"
            self.issued_refresh_tokens.append(self.refresh_token)
        return json_response(
            {
                "access_token": token,
                "token_type": "Bearer",
                "expires_in": EXPIRES_IN,
                "refresh_token": self.refresh_token,
            }
        )

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
        return Response(200, rows[offset : offset + size], headers)

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
        return json_response(found[0]) if found else json_response({"error": "Not Found"}, 404)

    def _find_schedule(self, match: re.Match[str]) -> dict[str, Any] | None:
        schedule = self.schedules.get(int(match["schedule"]))
        if schedule is None or not schedule["enabled"]:
            return None  # a disabled tool is not there to read
        return schedule if schedule["bucket"]["id"] == int(match["project"]) else None

    def _schedule_one(self, request: Request, match: re.Match[str]) -> Response:
        schedule = self._find_schedule(match)
        if schedule is None:
            return json_response({"error": "Not Found"}, 404)
        return json_response({k: v for k, v in schedule.items() if k != "enabled"})

    def _entries(self, request: Request, match: re.Match[str]) -> Response:
        schedule = self._find_schedule(match)
        if schedule is None:
            return json_response({"error": "Not Found"}, 404)
        status = self._status(request)
        rows = [e for e in self.entries[schedule["id"]] if e["status"] == status]
        return self._page(request, rows)

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
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
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
        return {
            "basecamp_projects": len(self.projects),
            "basecamp_schedules": len(enabled),
            "basecamp_schedule_entries": sum(len(self.entries[s["id"]]) for s in enabled),
            "basecamp_todos": self._active("Todo"),
            "basecamp_messages": self._active("Message"),
        }

    @override
    def secrets(self) -> list[str]:
        return [CLIENT_SECRET, *self.issued_refresh_tokens, *self.access_tokens]
