"""`make test`'s closing list: the slowest tests of both its pytest processes together."""

from tests.slowest import slowest

REPORT = """<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest">
<testcase classname="tests.e2e.test_a" name="test_one[sqlite]" time="3.5"/>
<testcase classname="tests.e2e.test_a" name="test_two" time="0.1"/>
</testsuite></testsuites>"""
OTHER = """<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest">
<testcase classname="tests.integration.test_b" name="test_three" time="7.25"/>
</testsuite></testsuites>"""


def test_the_slowest_of_both_reports_come_first_named_as_pytest_names_them(tmp_path):
    (tmp_path / "e2e.xml").write_text(REPORT)
    (tmp_path / "other.xml").write_text(OTHER)

    found = slowest([str(tmp_path / "e2e.xml"), str(tmp_path / "other.xml")], 2)

    assert found == [(7.25, "tests/integration/test_b.py::test_three"), (3.5, "tests/e2e/test_a.py::test_one[sqlite]")]
