"""Structured JSON log lines: one object per line, fields given with `extra={"fields": ...}`.

Never pass a secret, a token or a whole payload in `fields`.
"""

from __future__ import annotations

import json
import logging
from typing import Any

LOGGER_NAME = "social-listening"


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            line.update(fields)
        if record.exc_info and record.exc_info[0] is not None:
            line["error"] = record.exc_info[0].__name__
            line["error_message"] = str(record.exc_info[1])[:300]
        return json.dumps(line, ensure_ascii=False, default=str)


def get_logger(name: str = "") -> logging.Logger:
    return logging.getLogger(f"{LOGGER_NAME}.{name}" if name else LOGGER_NAME)


def configure(level: str = "INFO") -> None:
    """JSON lines on the app's logger, which Chalice names after the app and gives a
    stdout handler of its own (with `propagate = False`): reformat that handler rather
    than add a second one, so every line is written once, as JSON."""
    logger = logging.getLogger(LOGGER_NAME)
    streams = [h for h in logger.handlers if type(h) is logging.StreamHandler]
    if not streams:
        streams = [logging.StreamHandler()]
        logger.addHandler(streams[0])
        logger.propagate = False
    for handler in streams:
        handler.setFormatter(JsonFormatter())
    logger.setLevel(level)
