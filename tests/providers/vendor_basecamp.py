"""Vendor-shaped Basecamp payloads, one per stream, written for these tests.

Each is modelled on the example response of Basecamp's own API docs, named next to it:
https://github.com/basecamp/bc-api (which continues https://github.com/basecamp/bc3-api; the
newer examples add ``tagline``, ``*_attachments``, ``steps``, ``position`` and ``wormholes``).
Same fields, nesting, types and formats (ISO 8601 UTC timestamps with milliseconds, ISO
dates, HTML rich text); the values are our own. A few fields only the OpenAPI spec of
basecamp/basecamp-sdk (``openapi.json``) documents are added where noted, so that every
documented field can be checked to arrive.
"""

from __future__ import annotations

from typing import Any

ACCOUNT = 195539477
API = f"https://3.basecampapi.com/{ACCOUNT}"
APP = f"https://3.basecamp.com/{ACCOUNT}"
PROJECT = {"id": 2085958505, "name": "The Leto Laptop", "type": "Project"}
BUCKET = f"{API}/buckets/{PROJECT['id']}"
APP_BUCKET = f"{APP}/buckets/{PROJECT['id']}"
#: people.md: "redacted (e.g. "j••••@•••••••••.•••")" for callers who are not admins.
REDACTED_EMAIL = "m••••@•••••••••.•••"


def person(
    person_id: int, name: str, *, email: str | None, admin: bool = False, company: bool = True
) -> dict[str, Any]:
    """people.md, "Get all people" (the person object of every example)."""
    first = name.partition(" ")[0]
    body: dict[str, Any] = {
        "id": person_id,
        "attachable_sgid": f"BAh7CEkiCGdpZAY6BkVUSSIoZ2lkOi8vYmMzL1BlcnNvbi8{person_id}--9f1c",
        "name": name,
        "email_address": email,
        "personable_type": "User",
        "title": "Chief Strategist" if admin else "Central Markets Manager",
        "bio": f"{first} builds things" if admin else None,
        "tagline": f"{first} builds things" if admin else None,
        "location": "Chicago, IL" if admin else None,
        "created_at": "2026-05-28T17:22:22.069Z",
        "updated_at": "2026-07-21T01:06:02.483Z",
        "admin": admin,
        "owner": admin,
        "client": False,
        "employee": admin,
        "time_zone": "America/Chicago",
        "avatar_url": f"{API}/people/BAhpBMlkkT4{person_id}--5fe7b70f/avatar",
        "can_ping": True,
        "can_manage_projects": True,
        "can_manage_people": admin,
        "can_access_timesheet": admin,
        "can_access_hill_charts": True,
    }
    if company:  # absent for some people (people.md, "Get person")
        body["company"] = {"id": 1033447817, "name": "Honcho Design"}
    return body


VICTOR = person(1049715913, "Victor Cooper", email="victor@honchodesign.com", admin=True)
MATT = person(1049715929, "Matt Donahue", email=REDACTED_EMAIL)
ANNIE = person(1049715930, "Annie Bryan", email=None, company=False)


def parent(record_id: int, title: str, kind: str, plural: str) -> dict[str, Any]:
    return {
        "id": record_id,
        "title": title,
        "type": kind,
        "url": f"{BUCKET}/{plural}/{record_id}.json",
        "app_url": f"{APP_BUCKET}/{plural}/{record_id}",
    }


def envelope(
    record_id: int, kind: str, plural: str, title: str, *, subscription: bool = True
) -> dict[str, Any]:
    """The fields every recording example shares (recordings.md and each type's page)."""
    body: dict[str, Any] = {
        "id": record_id,
        "status": "active",
        "visible_to_clients": False,
        "created_at": "2026-05-28T17:23:17.403Z",
        "updated_at": "2026-07-20T04:30:19.909Z",
        "title": title,
        "inherits_status": True,
        "type": kind,
        "url": f"{BUCKET}/{plural}/{record_id}.json",
        "app_url": f"{APP_BUCKET}/{plural}/{record_id}",
        "bookmark_url": f"{API}/my/bookmarks/BAh7BkkiC19yYWlscwY{record_id}--f7f92817.json",
    }
    if subscription:
        body["subscription_url"] = f"{BUCKET}/recordings/{record_id}/subscription.json"
    return body


def counts(record_id: int, *, comments: bool = True) -> dict[str, Any]:
    body: dict[str, Any] = {}
    if comments:
        body["comments_count"] = 2
        body["comments_url"] = f"{BUCKET}/recordings/{record_id}/comments.json"
    body["boosts_count"] = 1
    body["boosts_url"] = f"{BUCKET}/recordings/{record_id}/boosts.json"
    return body


def owned(body: dict[str, Any], up: dict[str, Any] | None, creator: dict[str, Any]) -> None:
    if up is not None:
        body["parent"] = up
    body["bucket"] = dict(PROJECT)
    body["creator"] = creator


#: messages.md, "Get messages": a rich-text attachment (an image) of ``content_attachments``.
ATTACHMENT: dict[str, Any] = {
    "id": 1069479900,
    "sgid": "BAh7CEkiCGdpZAY6BkVUSSIxZ2lkOi8vYmMzL0F0dGFjaG1lbnQvMTA2OTQ3OTkwMA--c2f8",
    "attachable_sgid": "BAh7CEkiCGdpZAY6BkVUSSIxZ2lkOi8vYmMzL0F0dGFjaG1lbnQvMTA2OTQ3OTkwMA--c2f8",
    "key": "BAhpBHxkkT4=--1b6e05b06b4e7c3f3b1f",
    "filename": "leto-laptop-hero.png",
    "content_type": "image/png",
    "byte_size": 188943,
    "download_url": f"{BUCKET}/attachments/1069479900/download/leto-laptop-hero.png",
    "preview_url": f"{API}/attachments/1069479900/preview",
    "thumbnail_url": f"{API}/attachments/1069479900/thumbnail",
    "status_url": f"{API}/attachments/1069479900/status.json",
    "previewable": True,
    "caption": None,
    "width": 1024,
    # basecamp-sdk openapi.json, RichTextAttachment: "may serialize them float-spelled".
    "height": 768.0,
}


# -- people.md --------------------------------------------------------------------------------

#: people.md, "Get all people" (``GET /people.json``), plus ``out_of_office`` from "Get person"
#: ("When a person has out of office enabled, the response will include ...").
PEOPLE: list[dict[str, Any]] = [
    {**VICTOR, "out_of_office": {"start_date": "2026-08-03", "end_date": "2026-08-14"}},
    MATT,
    ANNIE,
]


# -- recordings by type (recordings.md; each type's own page) --------------------------------

#: comments.md, "Get comments" (``GET /recordings/3/comments.json``).
COMMENT: dict[str, Any] = {
    **envelope(1069479860, "Comment", "comments", "Re: Laptop glamour shots", subscription=False),
    "content": '<div>Looks great, <bc-attachment sgid="BAh7CEk"></bc-attachment>!</div>',
    "content_attachments": [ATTACHMENT],
    **counts(1069479860, comments=False),
}
owned(COMMENT, parent(1069480022, "Laptop glamour shots", "Message", "messages"), MATT)

#: documents.md, "Get documents" (``GET /vaults/2/documents.json``).
DOCUMENT: dict[str, Any] = {
    **envelope(1069479861, "Document", "documents", "Launch plan"),
    "content": "<div>Everything we need for <strong>launch day</strong>.</div>",
    "content_attachments": [ATTACHMENT],
    "position": 1,
    **counts(1069479861),
}
owned(DOCUMENT, parent(1069479338, "Docs & Files", "Vault", "vaults"), VICTOR)

#: uploads.md, "Get uploads" (``GET /vaults/2/uploads.json``).
UPLOAD: dict[str, Any] = {
    **envelope(1069479862, "Upload", "uploads", "company-logo.png"),
    "description": "<div>The new logo, final.</div>",
    "description_attachments": [ATTACHMENT],
    "content_type": "image/png",
    "byte_size": 48391,
    "filename": "company-logo.png",
    "download_url": f"{BUCKET}/uploads/1069479862/download/company-logo.png",
    "app_download_url": f"{APP_BUCKET}/uploads/1069479862/download/company-logo.png",
    "width": 640,
    "height": 480,
    "position": 2,
    **counts(1069479862),
}
owned(UPLOAD, parent(1069479338, "Docs & Files", "Vault", "vaults"), VICTOR)


def todolist(record_id: int, name: str, up: dict[str, Any], *, group: bool) -> dict[str, Any]:
    """todolists.md, "Get to-do lists"; a group as todolist_groups.md, "List to-do list groups".

    basecamp-sdk openapi.json (Todolist): ``bubble_up_url`` on every list and group, and a
    group's ``group_position_url`` instead of ``groups_url``.
    """
    body: dict[str, Any] = {
        **envelope(record_id, "Todolist", "todolists", name),
        "position": 1,
        "description": "" if group else "<div>What has to happen before launch.</div>",
        "description_attachments": [] if group else [ATTACHMENT],
        "completed": False,
        "completed_ratio": "2/5",
        "name": name,
        "color": "green" if group else None,
        "todos_url": f"{BUCKET}/todolists/{record_id}/todos.json",
        "app_todos_url": f"{APP_BUCKET}/todolists/{record_id}/todos",
        "comments_app_url": f"{APP_BUCKET}/todolists/{record_id}#comments",
        "bubble_up_url": f"{API}/my/bubble_ups/{record_id}.json",
        **counts(record_id),
    }
    if group:
        body["group_position_url"] = f"{BUCKET}/todolists/groups/{record_id}/position.json"
    else:
        body["groups_url"] = f"{BUCKET}/todolists/{record_id}/groups.json"
    owned(body, up, VICTOR)
    return body


TODOLIST = todolist(
    1069479863, "Launch", parent(1069479339, "To-dos", "Todoset", "todosets"), group=False
)
TODOLIST_GROUP = todolist(
    1069479864, "Hardware", parent(1069479863, "Launch", "Todolist", "todolists"), group=True
)

#: question_answers.md, "Get question answers" (``GET /questions/2/answers.json``).
QUESTION_ANSWER: dict[str, Any] = {
    **envelope(1069479865, "Question::Answer", "question_answers", "What did you work on?"),
    "content": "<div>Finished the spec sheet.</div>",
    "content_attachments": [ATTACHMENT],
    "group_on": "2026-05-29",
    **counts(1069479865),
}
owned(
    QUESTION_ANSWER,
    parent(1069479840, "What did you work on today?", "Question", "questions"),
    MATT,
)


def step(record_id: int, title: str, *, completed: bool) -> dict[str, Any]:
    """card_table_cards.md, "Get a card" ``steps[]``; completion_url is relative there.

    basecamp-sdk openapi.json (CardStep): ``completed_at`` and ``completer``.
    """
    body: dict[str, Any] = {
        **envelope(record_id, "Kanban::Step", "card_tables/steps", title, subscription=False),
        "position": 1,
        "due_on": "2026-06-05",
        "completed": completed,
        "completed_at": "2026-06-04T15:12:09.114Z" if completed else None,
        "completion_url": f"/{ACCOUNT}/buckets/{PROJECT['id']}/card_tables/steps/{record_id}"
        "/completions.json",
        "assignees": [MATT],
        "completer": VICTOR if completed else None,
    }
    owned(body, parent(1069479866, "Ship the laptop", "Kanban::Card", "card_tables/cards"), VICTOR)
    return body


#: card_table_cards.md, "Get cards in a column" and "Get a card"; both ``comment_count`` and
#: ``comments_count`` are in the examples. basecamp-sdk openapi.json (Card): ``completed_at``
#: and ``completer``.
CARD: dict[str, Any] = {
    **envelope(1069479866, "Kanban::Card", "card_tables/cards", "Ship the laptop"),
    "position": 1,
    "content": "<div>Box it up.</div>",
    "description": "<div>Box it up.</div>",
    "description_attachments": [ATTACHMENT],
    "completed": True,
    "completed_at": "2026-07-20T04:30:19.909Z",
    "due_on": None,
    "comment_count": 2,
    "completion_url": f"{BUCKET}/todos/1069479866/completion.json",
    "assignees": [MATT],
    "completion_subscribers": [ANNIE, MATT],
    "completer": VICTOR,
    "steps": [step(1069479867, "Print the label", completed=True)],
    **counts(1069479866),
}
owned(CARD, parent(1069479836, "Done", "Kanban::DoneColumn", "card_tables/columns"), VICTOR)

#: vaults.md, "Get vaults" (``GET /vaults/2/vaults.json``): a folder, no subscription_url.
VAULT: dict[str, Any] = {
    **envelope(1069479868, "Vault", "vaults", "Photos", subscription=False),
    "position": 1,
    "documents_count": 2,
    "documents_url": f"{BUCKET}/vaults/1069479868/documents.json",
    "uploads_count": 5,
    "uploads_url": f"{BUCKET}/vaults/1069479868/uploads.json",
    "vaults_count": 0,
    "vaults_url": f"{BUCKET}/vaults/1069479868/vaults.json",
}
owned(VAULT, parent(1069479338, "Docs & Files", "Vault", "vaults"), VICTOR)


# -- card_tables.md and card_table_columns.md -------------------------------------------------

BOARD = 1069479833


def column(record_id: int, title: str, kind: str, position: int | None) -> dict[str, Any]:
    """card_tables.md ``lists[]`` / card_table_columns.md, "Get a column".

    ``position`` only on ``Kanban::Column``; basecamp-sdk openapi.json (CardColumn) adds
    ``comments_count`` and the ``on_hold`` section.
    """
    body: dict[str, Any] = {
        **envelope(record_id, kind, "card_tables/columns", title),
        "description": None if position is None else "<div>Work in progress.</div>",
        "subscribers": [VICTOR] if position is not None else [],
        "color": "blue" if position is not None else None,
        "cards_count": 3,
        "comment_count": 0,
        "comments_count": 0,
        "cards_url": f"{BUCKET}/card_tables/lists/{record_id}/cards.json",
    }
    if position is not None:
        body["position"] = position
        body["on_hold"] = {
            "id": record_id + 1000,
            "status": "active",
            "inherits_status": True,
            "title": "On hold",
            "created_at": "2026-05-28T17:23:17.403Z",
            "updated_at": "2026-07-20T04:30:19.909Z",
            "cards_count": 1,
            "cards_url": f"{BUCKET}/card_tables/lists/{record_id + 1000}/cards.json",
        }
    owned(body, parent(BOARD, "Card Table", "Kanban::Board", "card_tables"), VICTOR)
    return body


COLUMNS: list[dict[str, Any]] = [
    column(1069479834, "Triage", "Kanban::Triage", None),
    column(1069479835, "In progress", "Kanban::Column", 1),
    column(1069479836, "Done", "Kanban::DoneColumn", None),
]

#: card_tables.md, "Get a card table" (``GET /card_tables/2.json``): no ``parent``.
CARD_TABLE: dict[str, Any] = {
    **envelope(BOARD, "Kanban::Board", "card_tables", "Card Table"),
    "position": 7,
    "subscribers": [VICTOR, MATT],
    "public_link_url": f"{APP}/p/2RzzJkQ2tnFzTp1Ng1oJy3cG",
    "lists": COLUMNS,
    "wormholes": [
        {
            **envelope(
                1069479837,
                "Kanban::Wormhole",
                "card_tables/wormholes",
                "To Marketing",
                subscription=False,
            ),
            "parent": parent(BOARD, "Card Table", "Kanban::Board", "card_tables"),
            "bucket": dict(PROJECT),
            "creator": VICTOR,
            "color": None,
            "linked": True,
            "destination_url": None,
        }
    ],
}
owned(CARD_TABLE, None, VICTOR)


# -- questions.md -----------------------------------------------------------------------------

QUESTIONNAIRE = 1069479839

#: questions.md, "Get questions" (``GET /questionnaires/2/questions.json``).
QUESTIONS: list[dict[str, Any]] = [
    {
        **envelope(1069479840, "Question", "questions", "What did you work on today?"),
        "paused": False,
        "schedule": {
            "frequency": "every_day",
            "days": [1, 2, 3, 4, 5],
            "hour": 16,
            "minute": 30,
            "week_instance": None,
            "week_interval": None,
            "month_interval": None,
            "start_date": "2026-05-29",
            "duration": None,
            "end_date": None,
        },
        "answers_count": 12,
        "answers_url": f"{BUCKET}/questions/1069479840/answers.json",
    },
    {
        **envelope(1069479841, "Question", "questions", "What's inspiring you?"),
        "paused": True,
        "schedule": {
            "frequency": "on_certain_days",
            "days": [1],
            "hour": 9,
            "minute": 0,
            "week_instance": 2,
            "week_interval": 1,
            "month_interval": 1,
            "start_date": "2026-06-01",
            "duration": None,
            "end_date": "2026-12-31",
        },
        "answers_count": 0,
        "answers_url": f"{BUCKET}/questions/1069479841/answers.json",
    },
]
for _question in QUESTIONS:
    owned(
        _question,
        parent(QUESTIONNAIRE, "Automatic Check-ins", "Questionnaire", "questionnaires"),
        VICTOR,
    )


# -- the original five streams ----------------------------------------------------------------


def tool(tool_id: int, name: str, title: str, plural: str, position: int | None) -> dict[str, Any]:
    """projects.md ``dock[]``: disabled tools are listed too, with ``position`` null."""
    return {
        "id": tool_id,
        "title": title,
        "name": name,
        "enabled": position is not None,
        "position": position,
        "url": f"{BUCKET}/{plural}/{tool_id}.json",
        "app_url": f"{APP_BUCKET}/{plural}/{tool_id}",
    }


#: projects.md, "Get all projects" (``GET /projects.json``), with a cloned second card table
#: (tools.md, "Clone a tool") and a disabled third one.
PROJECT_RECORD: dict[str, Any] = {
    "id": PROJECT["id"],
    "status": "active",
    "created_at": "2026-05-28T17:22:59.669Z",
    "updated_at": "2026-07-21T00:01:12.850Z",
    "name": PROJECT["name"],
    "description": "Laptop product launch.",
    "purpose": "topic",
    "clients_enabled": True,
    "timesheet_enabled": False,
    "color": None,
    "last_needle_color": "green",
    "last_needle_position": 40,
    "previous_needle_position": None,
    "bookmark_url": f"{API}/my/bookmarks/BAh7BkkiC19yYWlscwY6BkVUewdJ--e2c4.json",
    "url": f"{API}/projects/{PROJECT['id']}.json",
    "app_url": f"{APP}/projects/{PROJECT['id']}",
    "dock": [
        tool(1069479828, "message_board", "Message Board", "message_boards", 1),
        tool(1069479339, "todoset", "To-dos", "todosets", 2),
        tool(1069479338, "vault", "Docs & Files", "vaults", 3),
        tool(1069479831, "schedule", "Schedule", "schedules", 4),
        tool(QUESTIONNAIRE, "questionnaire", "Automatic Check-ins", "questionnaires", 5),
        tool(BOARD, "kanban_board", "Card Table", "card_tables", 6),
        tool(1069479842, "kanban_board", "Hiring board", "card_tables", 7),
        tool(1069479843, "kanban_board", "Old board", "card_tables", None),
    ],
    "bookmarked": False,
    "all_access": False,
    "star_url": f"{API}/projects/{PROJECT['id']}/star.json",
    "people": {
        "team": {
            "count": 12,
            "sample": [
                {"id": VICTOR["id"], "name": VICTOR["name"], "avatar_url": VICTOR["avatar_url"]},
                {"id": MATT["id"], "name": MATT["name"], "avatar_url": MATT["avatar_url"]},
            ],
        }
    },
    "client_company": {"id": 1033447818, "name": "Leto Brand"},
    "clientside": {
        "url": f"{BUCKET}/client/board.json",
        "app_url": f"{APP_BUCKET}/client/board",
    },
}

#: schedules.md, "Get schedule" (``GET /schedules/2.json``): no parent, no subscription_url.
SCHEDULE: dict[str, Any] = {
    **envelope(1069479831, "Schedule", "schedules", "Schedule", subscription=False),
    "position": 4,
    "include_due_assignments": True,
    "entries_count": 3,
    "entries_url": f"{BUCKET}/schedules/1069479831/entries.json",
}
owned(SCHEDULE, None, VICTOR)

#: schedule_entries.md, "Get schedule entries" and the ``recurrence_schedule`` of a
#: recurring entry ("Get a schedule entry").
SCHEDULE_ENTRY: dict[str, Any] = {
    **envelope(1069479869, "Schedule::Entry", "schedule_entries", "Team Meeting"),
    **counts(1069479869),
    "description": "<div>Weekly sync.</div>",
    "description_attachments": [ATTACHMENT],
    "summary": "Team Meeting",
    "all_day": False,
    "starts_at": "2026-06-01T15:30:00.000Z",
    "ends_at": "2026-06-01T16:30:00.000Z",
    "join_url": "https://meet.example.com/leto",
    "highlighted": True,
    "participants": [VICTOR, MATT],
    "recurrence_schedule": {
        "frequency": "every_month",
        "days": [1],
        "hour": 10,
        "minute": 30,
        "week_instance": 3,
        "week_interval": None,
        "month_interval": None,
        "start_date": "2026-06-01",
        "duration": None,
        "end_date": "2026-10-25",
    },
}
owned(SCHEDULE_ENTRY, parent(1069479831, "Schedule", "Schedule", "schedules"), VICTOR)

#: todos.md, "Get to-dos" and "Get a to-do" (``completion``, persons in ``assignees``).
TODO: dict[str, Any] = {
    **envelope(1069479870, "Todo", "todos", "Program the flux capacitor"),
    **counts(1069479870),
    "position": 1,
    "description": "<div>Carefully.</div>",
    "description_attachments": [ATTACHMENT],
    "completed": True,
    "content": "Program the flux capacitor",
    "starts_on": "2026-06-01",
    "due_on": "2026-06-05",
    "assignees": [MATT],
    "completion_subscribers": [VICTOR],
    "completion_url": f"{BUCKET}/todos/1069479870/completion.json",
    "completion": {"created_at": "2026-06-04T15:12:09.114Z", "creator": VICTOR},
    "steps": [step(1069479871, "Check the wiring", completed=False)],
}
owned(TODO, parent(1069479863, "Launch", "Todolist", "todolists"), VICTOR)

#: messages.md, "Get messages" (an image in ``content_attachments``).
MESSAGE: dict[str, Any] = {
    **envelope(1069480022, "Message", "messages", "Laptop glamour shots"),
    **counts(1069480022),
    "content": "<div>Shots are in.</div>",
    "content_attachments": [ATTACHMENT],
    "subject": "Laptop glamour shots",
}
owned(MESSAGE, parent(1069479828, "Message Board", "Message::Board", "message_boards"), MATT)

#: One documented payload per stream, as the stream receives it (a list or one object).
PAYLOADS: dict[str, Any] = {
    "basecamp_projects": [PROJECT_RECORD],
    "basecamp_schedules": SCHEDULE,
    "basecamp_schedule_entries": [SCHEDULE_ENTRY],
    "basecamp_todos": [TODO],
    "basecamp_messages": [MESSAGE],
    "basecamp_people": PEOPLE,
    "basecamp_comments": [COMMENT],
    "basecamp_documents": [DOCUMENT],
    "basecamp_uploads": [UPLOAD],
    "basecamp_todolists": [TODOLIST, TODOLIST_GROUP],
    "basecamp_question_answers": [QUESTION_ANSWER],
    "basecamp_cards": [CARD],
    "basecamp_vaults": [VAULT],
    "basecamp_card_tables": CARD_TABLE,
    "basecamp_card_table_columns": CARD_TABLE,  # derived from the card table's ``lists``
    "basecamp_questions": QUESTIONS,
}
