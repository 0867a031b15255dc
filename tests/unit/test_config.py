from __future__ import annotations

import pytest

from chalicelib.config import STACK_OUTPUTS, Settings, env_from_outputs
from chalicelib.errors import ConfigError

ENV = {
    "MENTIONS_TABLE": "m",
    "STATE_TABLE": "s",
    "MENTIONS_QUEUE": "q",
    "DEAD_LETTER_QUEUE": "dlq",
    "ALERTS_TOPIC": "t",
    "SECRETS_ID": "social-listening/dev",
}


def test_defaults_are_the_dutch_team_defaults():
    settings = Settings.from_env(ENV)
    assert settings.timezone == "Europe/Amsterdam"
    assert settings.digest_local_hour == 8
    assert settings.retention_days == 90
    assert settings.queue_url == ""  # resolved by name in wiring


def test_missing_variable_is_named_in_the_error():
    env = dict(ENV)
    del env["STATE_TABLE"]
    with pytest.raises(ConfigError, match="STATE_TABLE"):
        Settings.from_env(env)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TEAM_TIMEZONE", "Europe/Atlantis"),
        ("DIGEST_LOCAL_HOUR", "25"),
        ("RETENTION_DAYS", "ninety"),
    ],
)
def test_bad_values_are_refused_at_start(name, value):
    with pytest.raises(ConfigError):
        Settings.from_env({**ENV, name: value})


def test_recipients_are_a_trimmed_list():
    settings = Settings.from_env({**ENV, "DIGEST_RECIPIENTS": " a@x.nl, ,b@x.be "})
    assert settings.digest_recipients == ("a@x.nl", "b@x.be")


def test_stack_outputs_map_onto_every_environment_variable():
    outputs = {output: f"value-of-{output}" for output in STACK_OUTPUTS.values()}
    env = env_from_outputs(outputs)
    assert env["MENTIONS_QUEUE_URL"] == "value-of-MentionsQueueUrl"
    assert Settings.from_env(env).alerts_topic_arn == "value-of-AlertsTopicArn"


def test_missing_stack_outputs_are_named():
    with pytest.raises(ConfigError, match="StateTableName"):
        env_from_outputs({"MentionsTableName": "m"})
