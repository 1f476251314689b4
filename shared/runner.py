"""Runs one service in this process: `python -m shared.runner registry`."""
import shared.quiet  # noqa: F401
import eventlet

eventlet.monkey_patch()

import logging  # noqa: E402  (everything below must load after the monkey patch)
import signal  # noqa: E402
import sys  # noqa: E402

from nameko.runners import ServiceRunner  # noqa: E402

from shared.config import nameko_config  # noqa: E402
from shared.masking import install_log_masking  # noqa: E402
from shared.topology import service_class  # noqa: E402


def configure_logging(service: str) -> None:
    logging.basicConfig(
        level=logging.INFO, stream=sys.stderr,
        format=f"%(asctime)s {service} %(levelname)s %(name)s: %(message)s",
    )
    install_log_masking()


def main(argv=None) -> None:
    name = (argv or sys.argv[1:])[0]
    configure_logging(name)
    runner = ServiceRunner(nameko_config(name))
    runner.add_service(service_class(name))

    def shutdown(_signum, _frame):
        eventlet.spawn_n(runner.stop)

    signal.signal(signal.SIGTERM, shutdown)
    signal.signal(signal.SIGINT, shutdown)
    runner.start()
    runner.wait()


if __name__ == "__main__":
    main()
