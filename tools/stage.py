"""How every operator command reaches a stage: one loader, one way to fail.

    parser = argparse.ArgumentParser(...)
    stage.add_arguments(parser)                # --stage dev|prod, --local
    with stage.opened(args.stage, local=args.local):
        ...                                    # chalicelib.wiring builds what it needs

A stage's environment is what its Lambda functions get: `.chalice/config.json`'s global
and stage variables (resource names; URLs and ARNs are looked up by `wiring`). Without
`--stage`, an environment already in place (`STATE_TABLE` set, as in a shell set up for
a stage) is used as it is, else the `dev` stage's. `--local` instead starts moto in this
process with the infra template deployed (state lasts for the run).

`guarded(work)` turns what an operator can get wrong — no region, no credentials, no
such table, a bad argument — into one line on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from chalicelib import wiring
from chalicelib.errors import CommandError, PipelineError

CONFIG = Path(__file__).resolve().parent.parent / ".chalice" / "config.json"


def stage_environment(stage: str, config: Path = CONFIG) -> dict[str, str]:
    """The environment a stage's Lambdas get, from `.chalice/config.json`."""
    data = json.loads(config.read_text())
    stages = data.get("stages", {})
    if stage not in stages:
        raise CommandError(f"unknown stage {stage!r}; known: {', '.join(stages)}")
    return {
        **data.get("environment_variables", {}),
        **stages[stage].get("environment_variables", {}),
    }


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--stage", help="stage in .chalice/config.json (default: dev)")
    parser.add_argument(
        "--local", action="store_true", help="moto in this process, the stack deployed"
    )


@contextmanager
def opened(stage: str | None = None, *, local: bool = False) -> Iterator[dict[str, str]]:
    """The stage's environment in place (and the services rebuilt) for a block."""
    from devstack import moto_stack

    with ExitStack() as stack:
        if local:
            # moto in-process, not a server: no AWS_ENDPOINT_URL while it runs
            stack.enter_context(moto_stack.environment({}, unset=("AWS_ENDPOINT_URL",)))
            env = stack.enter_context(moto_stack.local_stack(stage or "dev"))
        elif stage is None and os.environ.get("STATE_TABLE"):
            env = {}  # the environment in place names the stage
        else:
            env = stage_environment(stage or "dev")
        stack.enter_context(moto_stack.environment(env))
        wiring.reset()
        stack.callback(wiring.reset)
        yield env


def guarded(work: Callable[[], int]) -> int:
    """Run a command; a mistake or a missing piece is one line on stderr, exit code 2."""
    from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, NoRegionError

    try:
        return work()
    except NoRegionError:
        return _fail("no AWS region: set AWS_DEFAULT_REGION (or use --local)")
    except NoCredentialsError:
        return _fail("no AWS credentials: set AWS_PROFILE or AWS_ACCESS_KEY_ID (or use --local)")
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "Error")
        return _fail(f"AWS refused: {code}: {error.response.get('Error', {}).get('Message', '')}")
    except BotoCoreError as error:
        return _fail(f"AWS unreachable: {error}")
    except (PipelineError, ValueError) as error:
        return _fail(_said(error))


def _said(error: Exception) -> str:
    """A command's own mistake in the team's language (a `Phrase` it raised); any other
    error as it came."""
    from chalicelib.i18n import Lang, choose

    said = error.args[0] if error.args else None
    if isinstance(said, str) and len(error.args) == 1:  # a Phrase is a str too
        return Lang(choose(os.environ.get("TEAM_LOCALE"))).say(said)
    return str(error)


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2
