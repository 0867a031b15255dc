"""Fill a stage's PUBLIC_BASE_URL (the base of acknowledge links) after its first deploy.

`make deploy` runs this after `chalice deploy`: when the stage has no PUBLIC_BASE_URL
yet, it writes the API's URL into .chalice/config.json and says so, and the Makefile
deploys once more so the Lambdas get it. A custom domain set by hand is left alone.

    python -m infra.public_url STAGE URL     # exit 0: unchanged, 3: written (redeploy)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

CONFIG = Path(__file__).resolve().parent.parent / ".chalice" / "config.json"
WRITTEN = 3


def fill(config: dict, stage: str, url: str) -> bool:
    env = config["stages"][stage].setdefault("environment_variables", {})
    if env.get("PUBLIC_BASE_URL"):
        return False
    env["PUBLIC_BASE_URL"] = url.strip().rstrip("/")
    return True


def main(argv: list[str]) -> int:
    if len(argv) != 2 or not argv[1].startswith("https://"):
        print("usage: python -m infra.public_url STAGE https://…", file=sys.stderr)
        return 2
    stage, url = argv
    config = json.loads(CONFIG.read_text())
    if not fill(config, stage, url):
        return 0
    CONFIG.write_text(json.dumps(config, indent=2) + "\n")
    print(f"PUBLIC_BASE_URL of stage {stage} set to {url}: deploying again so links use it")
    return WRITTEN


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
