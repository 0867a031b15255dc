"""SES: one multipart (plain text + HTML) message to the marketing list."""

from __future__ import annotations

from collections.abc import Sequence
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import TYPE_CHECKING

from ..errors import DeliveryError
from .render import RenderedDigest

if TYPE_CHECKING:
    from mypy_boto3_ses.client import SESClient


def compose(
    digest: RenderedDigest, *, sender: str, recipients: Sequence[str], unsubscribe: str
) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = digest.subject
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1] or None)
    message["List-Unsubscribe"] = f"<{unsubscribe}>"
    message.set_content(digest.text)
    message.add_alternative(digest.html, subtype="html")
    return message


def send(ses: SESClient, message: EmailMessage, *, sender: str, recipients: Sequence[str]) -> str:
    if not recipients:
        raise DeliveryError("no digest recipients configured (DIGEST_RECIPIENTS)")
    try:
        response = ses.send_raw_email(
            Source=sender,
            Destinations=list(recipients),
            RawMessage={"Data": message.as_bytes()},
        )
    except Exception as exc:  # botocore errors of every kind
        raise DeliveryError(f"SES refused the digest: {type(exc).__name__}: {exc}") from exc
    return str(response["MessageId"])
