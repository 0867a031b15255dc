from __future__ import annotations

from infra.public_url import fill


def config(url: str = "") -> dict:
    return {"stages": {"prod": {"environment_variables": {"PUBLIC_BASE_URL": url}}}}


def test_first_deploy_fills_the_api_url_without_a_trailing_slash():
    cfg = config()
    assert fill(cfg, "prod", "https://abc.execute-api.eu-west-1.amazonaws.com/api/\n")
    env = cfg["stages"]["prod"]["environment_variables"]
    assert env["PUBLIC_BASE_URL"] == "https://abc.execute-api.eu-west-1.amazonaws.com/api"


def test_a_custom_domain_set_by_hand_is_left_alone():
    cfg = config("https://webcare.voltera.nl")
    assert not fill(cfg, "prod", "https://abc.execute-api.eu-west-1.amazonaws.com/api/")
    assert cfg["stages"]["prod"]["environment_variables"]["PUBLIC_BASE_URL"] == (
        "https://webcare.voltera.nl"
    )
