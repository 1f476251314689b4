"""`make bench`: every benchmark, each printing its figures beside the anchor measured in the same run."""
import shared.quiet  # noqa: F401
import eventlet

eventlet.monkey_patch()

import logging  # noqa: E402
import sys  # noqa: E402

from bench import import_bench  # noqa: E402


def main() -> int:
    logging.basicConfig(level=logging.WARNING)
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else import_bench.ROWS
    import_bench.run(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
