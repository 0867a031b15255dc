"""`make serve`: the API on a local moto stack, seeded with the demo's morning, clickable.

A moto server (`ThreadedMotoServer`, in this process) stands in for AWS; the infra
template is deployed into it; `make demo`'s morning is played through the same handlers
(posts, pages, an acknowledgement, a storm, a resolve) and every message it delivered is
written to `out/pages.jsonl` (and every reply sent from a case page, to the networks'
stand-ins, to `out/replies.jsonl`); then Chalice's own local server (what `chalice local`
runs) serves the app on http://localhost:8000 until Ctrl-C. The case links in
`out/pages.jsonl` and the board link printed at the end open there.

    python -m devstack.serve [--port 8000] [--out out] [--empty]

`start()` does the same for the browser tests, on free ports, and returns a handle to
stop it. Never used by Lambda.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import socket
import threading
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from devstack import moto_stack

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Served:
    base_url: str
    moto_url: str
    env: dict[str, str]
    summary: dict[str, Any]
    _server: Any
    _moto: Any
    _thread: threading.Thread
    _app_class: type
    _stand_ins: Any = None  # the networks' reply stand-ins (devstack/reply_standins.py)
    _served_class: type | None = None  # app.app's class while it serves (chalice.local's)

    def board_url(self, manager: str | None = None) -> str:
        from chalicelib import wiring

        now = datetime.now(UTC)
        who = manager or wiring.team().on_duty(now) or "sanne"
        return wiring.alerts().links.board(who, now)

    @property
    def stand_ins(self) -> Any:
        return self._stand_ins

    def pause(self) -> None:
        """Give the process back, the servers left running: the networks' stand-ins stop
        answering and `app.app` is the app as imported again (the browser tests share one
        served morning between their modules, and other tests run in the same process)."""
        import app

        if self._stand_ins is not None:
            self._stand_ins.stop()
        app.app.__class__ = self._app_class

    def resume(self) -> None:
        """Serve again after `pause()`."""
        import app

        if self._stand_ins is not None:
            self._stand_ins.start()
        if self._served_class is not None:
            app.app.__class__ = self._served_class

    def stop(self) -> None:
        import app

        self._server.shutdown()
        self._server.server.server_close()
        self._thread.join(timeout=10)
        self._moto.stop()
        if self._stand_ins is not None:
            self._stand_ins.stop()
        app.app.__class__ = self._app_class  # chalice.local swapped it to serve in threads


def _local_server(port: int) -> Any:
    from chalice.config import Config
    from chalice.local import create_local_server

    import app

    config = Config.create(
        chalice_stage="dev",
        app_name="social-listening",
        project_dir=str(ROOT),
        config_from_disk=json.loads((ROOT / ".chalice" / "config.json").read_text()),
    )
    return create_local_server(app.app, config, "127.0.0.1", port)


def start(*, port: int = 0, out: Path | None = None, seed: bool = True) -> Served:
    """moto server + stack + (the demo's morning) + the app on `port` (0: a free one).

    The environment this process runs with is changed for good (boto3 must follow the
    moto server): meant for a process of its own, or a test session that ends after.
    """
    from moto.server import ThreadedMotoServer

    from chalicelib import wiring

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # the moto server's request log
    port = port or free_port()
    moto_port = free_port()
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=moto_port, verbose=False)
    moto.start()
    moto_url = f"http://127.0.0.1:{moto_port}"
    # moto's backends live in this process: start from an empty AWS every time
    urllib.request.urlopen(urllib.request.Request(f"{moto_url}/moto-api/reset", method="POST"))
    base_url = f"http://localhost:{port}"
    os.environ.update(moto_stack.FAKE_CREDENTIALS)
    os.environ.update(AWS_ENDPOINT_URL=moto_url, LOG_LEVEL=os.environ.get("LOG_LEVEL", "WARNING"))
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")  # no EMF lines on screen
    import boto3

    boto3.DEFAULT_SESSION = None  # a session made before would not see this environment
    env = moto_stack.provision("dev")
    env["PUBLIC_BASE_URL"] = base_url
    # what the stages listen for (as `make demo`): the brand's handles decide, among others,
    # which X posts the case page may answer (X's rule: the author named the brand)
    env.setdefault("WATCH_CONFIG_FILE", str(ROOT / "chalicelib" / "watch.json"))
    os.environ.update(env)
    wiring.reset()
    summary: dict[str, Any] = {}
    folder = out or ROOT / "out"
    folder.mkdir(parents=True, exist_ok=True)
    # replies from the case pages go to the networks' stand-ins, for as long as it serves
    from devstack.reply_standins import SECRETS, StandIns

    (folder / "replies.jsonl").unlink(missing_ok=True)
    stand_ins = StandIns(folder / "replies.jsonl").start()
    if seed:
        from demo.__main__ import run

        with moto_stack.at_scale():  # the history's transactions, without moto's copies
            summary = run(folder, quiet=True, recorded={}, print_summary=False, stand_ins=stand_ins)
    else:
        import boto3

        moto_stack.ensure_secret(boto3.client("secretsmanager"), env["SECRETS_ID"], SECRETS)
        wiring.reset()
    import app

    app_class = type(app.app)
    server = _local_server(port)
    thread = threading.Thread(target=server.server.serve_forever, daemon=True)
    thread.start()
    return Served(
        base_url, moto_url, env, summary, server, moto, thread, app_class, stand_ins, type(app.app)
    )


@contextmanager
def serving(**options: Any) -> Iterator[Served]:
    served = start(**options)
    try:
        yield served
    finally:
        served.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make serve", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8000, help="where the API listens")
    parser.add_argument("--out", default=str(ROOT / "out"), help="folder for pages.jsonl")
    parser.add_argument("--empty", action="store_true", help="no demo morning: an empty stack")
    args = parser.parse_args(argv)
    served = start(port=args.port, out=Path(args.out), seed=not args.empty)
    print(f"The API runs on {served.base_url} (AWS: moto at {served.moto_url}).")
    if served.summary:
        print(f"The demo's morning is in: {json.dumps(served.summary)}")
        print(f"Every message it sent, with its case link: {served.summary['pages_jsonl']}")
    print(f"\nThe on-duty manager's shift board:\n  {served.board_url()}\n")
    print("Ctrl-C stops it (the stack lives in memory: nothing is kept).")
    try:
        served._thread.join()
    except KeyboardInterrupt:
        print("\nstopping")
    finally:
        served.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
