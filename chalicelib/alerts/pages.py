"""The small HTML pages a manager sees after tapping a link in an alert."""

from __future__ import annotations

from html import escape

_PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title></head>
<body style="font-family:Arial,Helvetica,sans-serif;margin:24px;font-size:18px;line-height:1.4;">
<h1 style="font-size:22px;">{title}</h1><p>{body}</p></body></html>"""


def page(title: str, body: str) -> str:
    return _PAGE.format(title=escape(title), body=escape(body))
