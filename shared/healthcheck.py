"""Container health check: `python -m shared.healthcheck SERVICE` exits 0 when the service answers RPC."""

import shared.quiet  # noqa: F401, I001  (first: it silences warnings raised on import)
import eventlet


eventlet.monkey_patch()

import sys  # noqa: E402

from nameko.standalone.rpc import ServiceRpcProxy  # noqa: E402

from shared.config import nameko_config  # noqa: E402

TIMEOUT_SECONDS = 5


def main(service: str) -> int:
    try:
        with ServiceRpcProxy(service, nameko_config(), timeout=TIMEOUT_SECONDS) as proxy:
            return 0 if proxy.ping() == "ok" else 1
    except Exception as exc:  # any failure to answer is unhealthy
        print(f"{service} unhealthy: {type(exc).__name__}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
