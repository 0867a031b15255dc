"""SES: one multipart (plain text + HTML) message: the digest, a weekly lessons mail."""

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


class MaybeSent(DeliveryError):
    """SES's answer was lost (a timeout, a closed connection): it may have sent the mail."""


def send(ses: SESClient, message: EmailMessage, *, sender: str, recipients: Sequence[str]) -> str:
    """The SES message id. `DeliveryError` when SES did not take the mail (it answered with
    an error, or could not be reached); `MaybeSent` when nobody can tell."""
    from botocore.exceptions import ClientError, ConnectTimeoutError, EndpointConnectionError

    if not recipients:
        raise DeliveryError("no recipients configured")
    try:
        response = ses.send_raw_email(
            Source=sender,
            Destinations=list(recipients),
            RawMessage={"Data": message.as_bytes()},
        )
    except (ClientError, EndpointConnectionError, ConnectTimeoutError) as exc:
        raise DeliveryError(f"SES refused the mail: {type(exc).__name__}: {exc}") from exc
    except Exception as exc:  # a read timeout, a connection closed mid-answer: unknown
        raise MaybeSent(f"SES's answer was lost: {type(exc).__name__}: {exc}") from exc
    return str(response["MessageId"])
