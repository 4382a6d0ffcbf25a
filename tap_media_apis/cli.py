"""Console entry point: the SDK's CLI, with failures reduced to one clear line."""

from __future__ import annotations

import json
import logging
import sys
import traceback
from pathlib import Path

from tap_media_apis.core.errors import TapMediaApisError
from tap_media_apis.tap import TapMediaApis
from tap_media_apis.taps import TAPS

FILE_OPTIONS = ("--config", "--state", "--catalog")


def main(argv: list[str] | None = None, tap_name: str = TapMediaApis.name) -> None:
    args = sys.argv[1:] if argv is None else argv
    tap_class = TAPS[tap_name]
    try:
        check_input_files(args)
        tap_class.exit_at_once_on_signal = True
        tap_class.side_by_side_allowed = True
        tap_class.cli.main(args=args, prog_name=tap_name)
    except TapMediaApisError as exc:
        fail(tap_name, str(exc))
    except Exception as exc:  # anything else still gets one line, traceback only at debug
        fail(tap_name, f"unexpected {type(exc).__name__}: {exc}")


def mux() -> None:
    main(tap_name="tap-mux")


def assemblyai() -> None:
    main(tap_name="tap-assemblyai")


def shutterstock() -> None:
    main(tap_name="tap-shutterstock")


def hms() -> None:
    main(tap_name="tap-100ms")


def basecamp() -> None:
    main(tap_name="tap-basecamp")


def fail(tap_name: str, message: str) -> None:
    logger = logging.getLogger("tap-media-apis")
    if logger.isEnabledFor(logging.DEBUG):
        traceback.print_exc()
    sys.stderr.flush()
    for line in message.splitlines() or [""]:
        print(f"{tap_name}: error: {line}", file=sys.stderr, flush=True)
    sys.exit(1)


def check_input_files(args: list[str]) -> None:
    """Unreadable or non-JSON --config/--state/--catalog files fail before any output."""
    for index, arg in enumerate(args):
        option, _, value = arg.partition("=")
        if option not in FILE_OPTIONS:
            continue
        path = value or (args[index + 1] if index + 1 < len(args) else "")
        if not path or path == "ENV":
            continue
        try:
            document = json.loads(Path(path).read_text(encoding="utf-8"))
        except OSError as exc:
            raise TapMediaApisError(f"cannot read {option} file {path}: {exc.strerror}") from None
        except ValueError as exc:
            raise TapMediaApisError(
                f"{option} file {path} is not valid JSON ({exc}); "
                "fix or delete it (for --state: start without it for a full sync)"
            ) from None
        if not isinstance(document, dict):
            raise TapMediaApisError(f"{option} file {path} must hold a JSON object")
