"""What a manager does with a page: find its case link, open it, press a button.

`tap` opens the case page (a GET, which changes nothing), reads the form's CSRF token
from it as a browser would, POSTs the action to the same URL and follows the redirect
to the page that says what was done (POST-redirect-GET).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

import time_machine

BASE = "http://localhost:8000"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def case_link(envelope: dict[str, Any], base: str = BASE) -> str:
    """The path of the case link in a received page (the part after the base URL)."""
    line = next(x for x in envelope["Message"].splitlines() if x.startswith("Open the case"))
    return line.split(": ", 1)[1].removeprefix(base)


def board_link(envelope: dict[str, Any], base: str = BASE) -> str:
    line = next(x for x in envelope["Message"].splitlines() if x.startswith("Your shift board"))
    return line.split(": ", 1)[1].removeprefix(base)


def csrf_of(html: bytes | str) -> str:
    text = html.decode() if isinstance(html, bytes) else html
    found = CSRF.search(text)
    return found.group(1) if found else ""


def post(client: Any, path: str, fields: dict[str, str], *, follow: bool = True) -> Any:
    """POST a form; like a browser, follow the page's redirect (POST-redirect-GET) to
    the page it shows after the action (`follow=False`: the POST's own answer)."""
    answer = client.http.post(path, headers=FORM, body=urlencode(fields).encode())
    location = answer.headers.get("location") or answer.headers.get("Location") or ""
    if follow and answer.status_code == 303 and location.startswith("?"):
        return client.http.get(path.split("?", 1)[0] + location)
    return answer


def act(client: Any, path: str, do: str = "ack", **fields: str) -> Any:
    """Open the case page and press one of its buttons (with its form's fields)."""
    opened = client.http.get(path)
    if opened.status_code != 200 or not csrf_of(opened.body):
        return opened
    return post(client, path, {"csrf": csrf_of(opened.body), "do": do, **fields})


def tap(client: Any, path: str, moment: datetime, do: str = "ack", **fields: str) -> Any:
    """`act` at `moment` (the routes read the clock themselves)."""
    with time_machine.travel(moment, tick=False):
        return act(client, path, do, **fields)
