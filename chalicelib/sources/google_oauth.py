"""Access tokens from Google's OAuth 2.0 token endpoint, and Google's signing certificates,
for Google Play (a service account) and Google Business Profile (a manager's grant):

    service account   POST <token_uri>  grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer
                      assertion=<RS256 JWT: iss = client_email, scope, aud = token_uri,
                      iat, exp = iat + 1 h>   (Google's "OAuth 2.0 for server to server
                      applications", the HTTP/REST way)
    refresh token     POST https://oauth2.googleapis.com/token  grant_type=refresh_token
                      client_id, client_secret, refresh_token
    certificates      GET https://www.googleapis.com/oauth2/v1/certs  -> {kid: PEM}

Both answer ``{"access_token", "expires_in", "token_type": "Bearer"}``. `GoogleSession`
keeps a token until a minute before it expires (one token request an hour per container)
and sends it on every call. The token endpoint refusing (400/401, ``invalid_grant``: a
deleted key, a revoked grant) is a `CredentialsRefused` carrying Google's error code
only; the caller says what to renew. Google unreachable is an `OSError` (`http_json`).
The signing is `tokens.rs256` (pyca/cryptography).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from ..errors import ConfigError, CredentialsRefused
from . import tokens
from .http_json import Answer, JsonHttp

TOKEN_URI = "https://oauth2.googleapis.com/token"
CERTIFICATES = "https://www.googleapis.com/oauth2/v1/certs"
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
ASSERTION_LIFETIME = timedelta(hours=1)  # Google's maximum
EARLY = timedelta(minutes=1)  # a token this close to its expiry is renewed first

Grant = Callable[[datetime], Mapping[str, str]]  # the token request's form, at `now`


def service_account_grant(info: Mapping[str, Any], scope: str, *, secret: str) -> Grant:
    """The token request of a service account's JSON key (as Google gives it)."""
    email, pem = str(info.get("client_email") or ""), str(info.get("private_key") or "")
    if not email or not pem:
        raise ConfigError(f"{secret} is not a service account key (client_email, private_key)")
    audience = str(info.get("token_uri") or TOKEN_URI)
    key_id = str(info.get("private_key_id") or "")
    tokens.rsa_key(pem, secret=secret)  # a key that does not load fails now, not at a run

    def form(now: datetime) -> Mapping[str, str]:
        issued = int(now.timestamp())
        claims = {
            "iss": email,
            "scope": scope,
            "aud": audience,
            "iat": issued,
            "exp": issued + int(ASSERTION_LIFETIME.total_seconds()),
        }
        return {
            "grant_type": JWT_BEARER,
            "assertion": tokens.rs256(claims, key_id, pem, secret=secret),
        }

    return form


def refresh_grant(client_id: str, client_secret: str, refresh_token: str) -> Grant:
    """The token request of a user's OAuth grant (a refresh token)."""

    def form(now: datetime) -> Mapping[str, str]:
        return {
            "grant_type": "refresh_token",
            "client_id": client_id,
            "client_secret": client_secret,
            "refresh_token": refresh_token,
        }

    return form


class GoogleSession:
    """Calls with ``Authorization: Bearer <access token>``, the token fetched when needed."""

    def __init__(
        self, grant: Grant, *, token_uri: str = TOKEN_URI, http: JsonHttp | None = None
    ) -> None:
        self._grant, self._token_uri = grant, token_uri
        self.http = http or JsonHttp()
        self._token = ""
        self._expires: datetime | None = None
        self.token_requests = 0

    def get(self, url: str, now: datetime, params: Mapping[str, Any] | None = None) -> Answer:
        return self.request("GET", url, now, params=params)

    def request(self, method: str, url: str, now: datetime, **kwargs: Any) -> Answer:
        headers = {"Authorization": f"Bearer {self.access_token(now)}"}
        return self.http.request(method, url, headers=headers, **kwargs)

    def access_token(self, now: datetime) -> str:
        if self._token and self._expires is not None and now < self._expires - EARLY:
            return self._token
        self.token_requests += 1
        answer = self.http.request("POST", self._token_uri, data=dict(self._grant(now)))
        body = answer.body if isinstance(answer.body, dict) else {}
        if answer.status in (400, 401):
            raise CredentialsRefused(str(body.get("error") or f"HTTP {answer.status}")[:60])
        token = body.get("access_token")
        if answer.status != 200 or not isinstance(token, str) or not token:
            raise OSError(f"Google's token endpoint: HTTP {answer.status}, no access token")
        lifetime = body.get("expires_in")
        seconds = lifetime if isinstance(lifetime, int) and lifetime > 0 else 3600
        self._token, self._expires = token, now + timedelta(seconds=seconds)
        return token


def certificates(http: JsonHttp | None = None) -> dict[str, str]:
    """Google's current signing certificates by key id; `OSError` when not to be had."""
    answer = (http or JsonHttp()).get(CERTIFICATES)
    if answer.status != 200 or not isinstance(answer.body, dict):
        raise OSError(f"Google's certificates: HTTP {answer.status}")
    return {str(k): str(v) for k, v in answer.body.items() if isinstance(v, str)}
