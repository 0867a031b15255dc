"""`wiring.reset()` forgets every cached factory, so a test (or `make serve`) that changes
the environment never meets a client built for the one before (the signing secret's was
once kept, and reached for AWS itself after the endpoint had moved to a moto server)."""

from __future__ import annotations

from functools import _lru_cache_wrapper

from chalicelib import wiring


def test_reset_clears_every_cached_factory(monkeypatch):
    factories = [
        v for v in vars(wiring).values()
        if isinstance(v, _lru_cache_wrapper) and v.__module__ == wiring.__name__
    ]  # fmt: skip
    assert wiring.signing_secrets in factories and len(factories) >= 20
    cleared: list[str] = []
    for factory in factories:
        monkeypatch.setattr(factory, "cache_clear", lambda f=factory: cleared.append(f.__name__))
    monkeypatch.setattr(wiring.aws, "reset", lambda: None)
    wiring.reset()
    assert sorted(cleared) == sorted(f.__name__ for f in factories)
