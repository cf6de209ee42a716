"""dbt's loggers in the warm dbt process (``pipelines.dbt_logging``): what they skip
formatting, and that what they write is unchanged."""

from __future__ import annotations

import io
import json

import pytest

from pipelines.dbt_logging import skip_events_below_level


def test_dbt_loggers_skip_events_below_their_level_and_keep_what_they_wrote(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The warm process's loggers format only what they write: a debug event (one per SQL
    statement) never reaches an info logger's formatter, while info and print events are
    written as before, and a logger's own filter still applies."""
    from dbt.adapters.events.types import SQLQuery
    from dbt_common.events.base_types import EventLevel
    from dbt_common.events.event_manager import EventManager
    from dbt_common.events.logger import LineFormat, LoggerConfig, _JsonLogger
    from dbt_common.events.types import Note, PrintEvent

    monkeypatch.setattr(EventManager, "add_logger", EventManager.add_logger)  # restored after
    formatted: list[str] = []
    create_line = _JsonLogger.create_line

    def counting_create_line(self: _JsonLogger, message: object) -> str:
        formatted.append(message.info.name)  # type: ignore[attr-defined]
        return create_line(self, message)

    monkeypatch.setattr(_JsonLogger, "create_line", counting_create_line)
    skip_events_below_level()
    skip_events_below_level()  # twice: still one filter
    manager = EventManager()
    stream = io.StringIO()
    manager.add_logger(LoggerConfig(
        name="warm_test", line_format=LineFormat.Json, level=EventLevel.INFO,
        output_stream=stream, filter=lambda message: "secret" not in message.info.msg,
    ))
    manager.fire_event(SQLQuery(conn_name="model.x", sql="select 1", node_info={}))
    manager.fire_event(Note(msg="an info line"))
    manager.fire_event(Note(msg="a secret info line"))
    manager.fire_event(PrintEvent(msg="a printed line"), level=EventLevel.DEBUG)

    written = [json.loads(line)["info"]["msg"] for line in stream.getvalue().splitlines()]
    assert written == ["an info line", "a printed line"]
    assert formatted == ["Note", "PrintEvent"]

