"""Runs one service in this process: `python -m hardship_cli.runner registry`."""

import shared.quiet  # noqa: F401, I001  (first: it silences warnings raised on import)
import eventlet


eventlet.monkey_patch()

import gc  # noqa: E402  (everything below must load after the monkey patch)
import logging  # noqa: E402
import signal  # noqa: E402
import sys  # noqa: E402

from nameko.runners import ServiceRunner  # noqa: E402

from hardship_cli.services import service_class  # noqa: E402
from shared.config import nameko_config, setting  # noqa: E402
from shared.crypto import InvalidDataKey, check_data_key  # noqa: E402
from shared.masking import install_log_masking  # noqa: E402
from shared.request_ids import install_log_record_ids  # noqa: E402

LOG_FORMAT = "%(asctime)s {service} %(levelname)s %(name)s request_id=%(request_id)s: %(message)s"


def configure_logging(service: str) -> None:
    install_log_record_ids()
    logging.basicConfig(
        level=setting("LOG_LEVEL").upper(), stream=sys.stderr, format=LOG_FORMAT.format(service=service)
    )
    install_log_masking()


def calm_the_garbage_collector() -> None:
    """nameko allocates thousands of short-lived objects per message: with the default thresholds the
    collector ran every 700 allocations, and every 70,000 a full collection walked all the started service
    holds. What exists once the service has started lives as long as the process, so it leaves the
    collector's view (freeze), and the youngest generation is collected less often."""
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


def main(argv=None) -> None:
    name = (argv or sys.argv[1:])[0]
    configure_logging(name)
    config = nameko_config(name)
    try:
        check_data_key(config)
    except InvalidDataKey as error:
        sys.exit(f"{name}: {error}")
    runner = ServiceRunner(config)
    runner.add_service(service_class(name))

    stopping: list[bool] = []

    def shutdown(_signum, _frame):
        # Once: Ctrl-C reaches every process of the terminal's group, and `hardship run` then sends SIGTERM too;
        # a second runner.stop() during the first fails inside nameko and kills the container halfway.
        if not stopping:
            stopping.append(True)
            eventlet.spawn_n(runner.stop)

    signal.signal(signal.SIGTERM, shutdown)
    signal.signal(signal.SIGINT, shutdown)
    runner.start()
    calm_the_garbage_collector()
    runner.wait()


if __name__ == "__main__":
    main()
