"""`make bench`: every benchmark, each printing its figures beside the anchor measured in the same run,
then a summary table; `--record` also writes it to bench/RESULTS.md with the machine it came from."""

import shared.quiet  # noqa: F401, I001  (first: it silences warnings raised on import)
import eventlet


eventlet.monkey_patch()

import logging  # noqa: E402
import sys  # noqa: E402

from bench import aid_bench, funds_bench, import_bench, notify_bench, pipeline_bench, scope_bench, summary  # noqa: E402

PARTS = {
    "import": import_bench,
    "aid": aid_bench,
    "notify": notify_bench,
    "funds": funds_bench,
    "pipeline": pipeline_bench,
    "scope": scope_bench,
}


def main() -> int:
    """`python -m bench [--record] [--rounds=N] [PART …]`; PART is one of PARTS, optionally with a size: aid=2000;
    --rounds: how many rounds the pipeline runs (pipeline_bench.ROUNDS unless told)."""
    logging.basicConfig(level=logging.WARNING)
    options = [argument for argument in sys.argv[1:] if argument.startswith("--")]
    arguments = [argument for argument in sys.argv[1:] if not argument.startswith("--")]
    rounds = [int(option.partition("=")[2]) for option in options if option.startswith("--rounds=")]
    machine = summary.machine()
    results = {}
    for part in arguments or list(PARTS):
        name, _, size = part.partition("=")
        sized = [int(size)] if size else []
        if name == "pipeline" and rounds:
            results[name] = pipeline_bench.run(*(sized or [pipeline_bench.APPLICATIONS]), round_count=rounds[-1])
        else:
            results[name] = PARTS[name].run(*sized)
    table = summary.rows(results)
    summary.print_table(table)
    if "--record" in sys.argv:
        summary.record(table, results, machine)
    return 0


if __name__ == "__main__":
    sys.exit(main())
