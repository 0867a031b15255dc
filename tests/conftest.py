"""Shared fixtures: the suite's clock, real data location.

The suite's clock: every test runs on `SUITE_NOW` (a Monday morning in Amsterdam),
ticking from there, whatever the date on the machine. A test that needs another moment
moves the `clock` fixture (`clock.move_to(...)`) or travels inside it; the app, moto
and the test read the same clock, so a message published "on 23 November" is never
read back at the real date (moto's SQS drops messages older than the queue's retention,
judged by the clock at receive time). `make test-clock` proves it: the whole suite
with the machine's clock a year ahead and a year back (Debian's faketime).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

ROOT = Path(__file__).resolve().parent.parent

# CI (CI=true) replays the same examples every run, so main stays green on what was
# tested; locally, hypothesis explores new examples each run.
hypothesis_settings.register_profile(
    "ci",
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
# No deadline in either: a deadline is a timing check, and a loaded machine broke it
# (test_sms: 493 ms against 200 ms); speed goals live in benchmarks/.
hypothesis_settings.register_profile(
    "local", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("ci" if os.environ.get("CI") else "local")

# The rule on skips under CI (and its declared list): tests/skip_rule.py; how the
# workers share the suite: tests/scheduling.py.
pytest_plugins = ["tests.skip_rule", "tests.scheduling"]


# Monday 23 November 2026, 10:00 in Amsterdam: a working morning, far from midnight and DST.
# Given in UTC: time-machine would otherwise set the process's TZ to the zone as well.
SUITE_NOW = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Europe/Amsterdam")).astimezone(UTC)


@pytest.fixture(autouse=True, scope="session")
def _sqs_answers_at_once() -> Iterator[None]:
    """moto's SQS receive answers at once, as a short poll does, whatever `WaitTimeSeconds`
    asks. Nothing sends to a test's queue while the test waits on it, so a long poll that
    finds nothing would find nothing at the end of its wait either: the wait only cost
    the suite its seconds (the redrive job looks at a DLQ whose letters are still backing
    off with a 1 s long poll, three times a look: 40 s of `tests/functional`). And under
    `make test-clock` libfaketime shifts the monotonic clock, so moto's timed wait on its
    lock would wait a year (it was a busy loop of a second per poll before)."""
    from moto.sqs.models import SQSBackend

    receive = SQSBackend.receive_message

    def at_once(
        self: Any, queue_name: str, count: int, wait_seconds_timeout: int, *rest: Any
    ) -> Any:
        return receive(self, queue_name, count, 0, *rest)

    SQSBackend.receive_message = at_once  # type: ignore[method-assign]
    try:
        yield
    finally:
        SQSBackend.receive_message = receive  # type: ignore[method-assign]


@pytest.fixture(autouse=True, scope="session")
def _provision_once_per_template() -> Iterator[None]:
    """Every functional test deploys infra/template.yaml into a fresh moto (`stack`). Two
    things moto redoes each time that cannot change between tests, done once here:
    parsing the template (pure-Python YAML: ~40 % of a deploy) and generating the RSA key
    it gives every KMS key, symmetric ones too (~35 %; nothing here signs with KMS). The
    stack moto builds is the same: each test still gets its own parsed copy and its own
    resources."""
    import copy

    import moto.kms.models as kms_models
    from moto.cloudformation.models import Stack

    parse = Stack.parse_template
    generate = kms_models.generate_private_key
    parsed: dict[str, Any] = {}
    keys: dict[str, Any] = {}

    def parse_once(template: str) -> Any:
        if template not in parsed:
            parsed[template] = parse(template)
        return copy.deepcopy(parsed[template])

    def key_once(key_spec: str) -> Any:
        if key_spec not in keys:
            keys[key_spec] = generate(key_spec)
        return keys[key_spec]

    Stack.parse_template = staticmethod(parse_once)  # type: ignore[method-assign,assignment]
    kms_models.generate_private_key = key_once
    try:
        yield
    finally:
        Stack.parse_template = staticmethod(parse)  # type: ignore[method-assign,assignment]
        kms_models.generate_private_key = generate


@pytest.fixture(autouse=True)
def clock() -> Iterator[time_machine.Traveller]:
    """The suite's clock for the whole test (see the module docstring)."""
    with time_machine.travel(SUITE_NOW, tick=True) as traveller:
        yield traveller


def realdata_dir() -> Path:
    return Path(os.environ.get("REALDATA", ROOT.parent / "shared" / "realdata"))


@pytest.fixture
def realdata() -> Path:
    path = realdata_dir()
    if not path.is_dir():
        pytest.skip(f"real data not found at {path} (set REALDATA)")
    return path


def load_template() -> dict:
    """infra/template.yaml as data; a tag (!Ref, !Sub, !GetAtt…) becomes {tag: what it names}."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    def tag(loader, suffix, node):
        if isinstance(node, yaml.ScalarNode):
            return {suffix: loader.construct_scalar(node)}
        if isinstance(node, yaml.SequenceNode):
            return {suffix: loader.construct_sequence(node)}
        return {suffix: loader.construct_mapping(node)}

    Loader.add_multi_constructor("!", tag)
    return yaml.load((ROOT / "infra" / "template.yaml").read_text(), Loader=Loader)


@pytest.fixture
def infra_template() -> dict:
    return load_template()


@pytest.fixture(scope="session")
def google_signer() -> tuple[object, str]:
    """An RSA key made for the test and its self-signed PEM certificate: what Google signs
    a push token with and publishes (oauth2/v1/certs). No key is in the repository."""
    from datetime import UTC, datetime, timedelta

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "test-google")])
    start = datetime(2000, 1, 1, tzinfo=UTC)  # valid whatever the suite's clock says
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=365 * 99))
        .sign(key, hashes.SHA256())
    )
    return key, cert.public_bytes(serialization.Encoding.PEM).decode()
