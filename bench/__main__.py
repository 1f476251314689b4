"""`make bench`: every benchmark, each printing its figures beside the anchor measured in the same run."""
import shared.quiet  # noqa: F401
import eventlet

eventlet.monkey_patch()

import logging  # noqa: E402
import sys  # noqa: E402

from bench import aid_bench, funds_bench, import_bench, notify_bench  # noqa: E402

PARTS = {"import": import_bench, "aid": aid_bench, "notify": notify_bench, "funds": funds_bench}


def main() -> int:
    """`python -m bench [PART …]`; PART is import, aid, notify or funds, optionally with a size: aid=2000."""
    logging.basicConfig(level=logging.WARNING)
    for part in sys.argv[1:] or list(PARTS):
        name, _, size = part.partition("=")
        PARTS[name].run(*([int(size)] if size else []))
    return 0


if __name__ == "__main__":
    sys.exit(main())
