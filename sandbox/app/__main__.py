"""`python -m sandbox.app --config PATH --port P`: serve one app instance on 127.0.0.1."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import uvicorn

from sandbox.app.app import create_app
from sandbox.app.config import load_config

HOST = "127.0.0.1"


def log_config(access_log: str) -> dict[str, Any]:
    """uvicorn logging: access lines (client, method, path, status; never bodies) to `access_log`."""
    Path(access_log).parent.mkdir(parents=True, exist_ok=True)
    access_format = '%(asctime)s %(client_addr)s "%(request_line)s" %(status_code)s'
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "default": {
                "()": "uvicorn.logging.DefaultFormatter",
                "fmt": "%(asctime)s %(levelname)s %(message)s",
            },
            "access": {"()": "uvicorn.logging.AccessFormatter", "fmt": access_format, "use_colors": False},
        },
        "handlers": {
            "default": {
                "class": "logging.StreamHandler",
                "formatter": "default",
                "stream": "ext://sys.stderr",
            },
            "access": {"class": "logging.FileHandler", "formatter": "access", "filename": access_log},
        },
        "loggers": {
            "uvicorn": {"handlers": ["default"], "level": "INFO", "propagate": False},
            "uvicorn.error": {"level": "INFO"},
            "uvicorn.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
        },
    }


def main(argv: list[str] | None = None) -> None:
    """Parse arguments, build the app and serve it until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m sandbox.app", description=__doc__)
    parser.add_argument("--config", required=True, type=Path, help="the instance's config.json")
    parser.add_argument("--port", required=True, type=int, help="TCP port on 127.0.0.1")
    args = parser.parse_args(argv)
    config = load_config(args.config)
    uvicorn.run(
        create_app(config),
        host=HOST,
        port=args.port,
        log_config=log_config(config.access_log),
        access_log=True,
        server_header=False,
        timeout_graceful_shutdown=5,
    )


if __name__ == "__main__":
    main()
