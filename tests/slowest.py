"""The slowest tests of a whole `make test`, from the JUnit reports of its two pytest processes (tests/in_two.sh).

Usage: python tests/slowest.py COUNT REPORT.xml…
A test's time is its setup, call and teardown together, as pytest writes it in the report.
"""

import sys
import xml.etree.ElementTree as ElementTree


def slowest(reports: list[str], count: int) -> list[tuple[float, str]]:
    timed = []
    for report in reports:
        for case in ElementTree.parse(report).getroot().iter("testcase"):
            path = case.get("classname", "").replace(".", "/")
            timed.append((float(case.get("time", 0)), f"{path}.py::{case.get('name')}"))
    return sorted(timed, reverse=True)[:count]


def main(argv: list[str]) -> int:
    count, reports = int(argv[0]), argv[1:]
    print(f"============================= slowest {count} tests of the whole run =============================")
    for seconds, test in slowest(reports, count):
        print(f"{seconds:7.2f}s {test}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
