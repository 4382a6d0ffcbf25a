"""A local fake of the five APIs: same envelopes, paging, auth checks and quirks.

Each provider plugs in one ``SandboxProvider`` (``sandbox/<provider>.py``); the server
mounts it under ``/<provider>`` and adds latency and fault injection in front of all.
"""

from tap_media_apis.sandbox.api import Request, Response, SandboxProvider, json_response
from tap_media_apis.sandbox.server import Sandbox, run_sandbox

__all__ = ["Request", "Response", "Sandbox", "SandboxProvider", "json_response", "run_sandbox"]
