import io
import logging

import pytest

from shared.masking import (
    MaskingLogFilter,
    install_log_masking,
    mask_bank_account,
    mask_id_number,
    mask_name,
    mask_phone,
    scrub,
)


@pytest.mark.parametrize(
    "name, expected",
    [
        ("王", "王"),
        ("王刚", "王*"),
        ("张小明", "张*明"),
        ("欧阳丽娜", "欧**娜"),
        ("阿不都热合曼", "阿****曼"),
        ("", ""),
        (None, None),
    ],
)
def test_mask_name(name, expected):
    assert mask_name(name) == expected


@pytest.mark.parametrize(
    "number, expected",
    [
        ("110105199003071234", "110105********1234"),
        ("50010319900113809X", "500103********809X"),
        ("11010519900307123", "*************7123"),
        ("1101051990030712345", "***************2345"),
        ("12345", "*2345"),
        ("1234", "****"),
        ("", ""),
        (None, None),
    ],
)
def test_mask_id_number(number, expected):
    assert mask_id_number(number) == expected


@pytest.mark.parametrize(
    "phone, expected",
    [
        ("13800138000", "138****8000"),
        ("+86 138-0013-8000", "138****8000"),
        ("+8613800138000", "138****8000"),
        ("010-12345678", "********5678"),
        ("12345678901", "*******8901"),
        ("123", "***"),
        ("", ""),
        (None, None),
    ],
)
def test_mask_phone(phone, expected):
    assert mask_phone(phone) == expected


@pytest.mark.parametrize(
    "account, expected",
    [
        ("6222078651237160091", "****0091"),
        ("622207865123", "****5123"),
        ("12345", "****2345"),
        ("123", "****"),
        ("", ""),
        (None, None),
    ],
)
def test_mask_bank_account(account, expected):
    assert mask_bank_account(account) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("身份证 110105199003071234 已登记", "身份证 110105********1234 已登记"),
        ("id=50010319900113809x.", "id=500103********809x."),
        ("手机13800138000已发送", "手机138****8000已发送"),
        ("to +86 13800138000", "to 138****8000"),
        ("to +86-13800138000", "to 138****8000"),
        ("card:6222078651237160091,", "card:****0091,"),
        ("card 622207865123", "card ****5123"),
        ("a 110105199003071234 b 13800138000", "a 110105********1234 b 138****8000"),
    ],
)
def test_scrub_masks_personal_numbers(text, expected):
    assert scrub(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "worker 42 paid 300000 fen",
        "request 550e8400-e29b-41d4-a716-446655440000",
        "request 550e8400-e29b-41d4-a716-123456789012",
        "uuid 550e8400e29b41d4a716446655440000",
        "at 2024-01-05T12:30:45.123456+08:00",
        "at 20240105T123045Z",
        "short 1380013800 and 12345678901",
        "too long 12345678901234567890",
        "token abc13800138000",
        "token 13800138000abc",
    ],
)
def test_scrub_leaves_other_numbers_alone(text):
    assert scrub(text) == text


@pytest.fixture
def captured():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(message)s"))
    handler.addFilter(MaskingLogFilter())
    logger = logging.getLogger("test_masking.captured")
    logger.addHandler(handler)
    logger.propagate = False
    yield logger, stream
    logger.removeHandler(handler)


def test_filter_masks_the_formatted_message(captured):
    logger, stream = captured
    logger.warning("worker %s phone %s card %s", "110105199003071234", "13800138000", 6222078651237160091)
    assert stream.getvalue() == "worker 110105********1234 phone 138****8000 card ****0091\n"


def test_filter_keeps_args_of_records_with_nothing_to_mask():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "paid %d fen to %s", (300000, "张三"), None)
    assert MaskingLogFilter().filter(record) is True
    assert (record.msg, record.args) == ("paid %d fen to %s", (300000, "张三"))


def test_filter_masks_tracebacks(captured):
    logger, stream = captured
    try:
        raise ValueError("duplicate id_number 110105199003071234")
    except ValueError:
        logger.exception("import failed")
    output = stream.getvalue()
    assert "ValueError: duplicate id_number 110105********1234\n" in output
    assert "110105199003071234" not in output


def test_filter_masks_stack_info():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "m", None, None, sinfo="Stack: 13800138000")
    MaskingLogFilter().filter(record)
    assert record.stack_info == "Stack: 138****8000"


def test_filter_does_not_raise_on_bad_format_arguments():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "%d", ("not a number",), None)
    assert MaskingLogFilter().filter(record) is True
    assert (record.msg, record.args) == ("%d", ("not a number",))


@pytest.fixture
def root_handlers():
    root = logging.getLogger()
    saved = root.handlers[:]
    handlers = [logging.StreamHandler(io.StringIO()), logging.StreamHandler(io.StringIO())]
    root.handlers = handlers[:]  # pytest adds its own capture handlers to this list; judge only ours
    yield handlers
    root.handlers = saved


def test_install_log_masking_filters_every_root_handler_once(root_handlers):
    install_log_masking()
    install_log_masking()
    for handler in root_handlers:
        assert [type(f) for f in handler.filters] == [MaskingLogFilter]


def test_install_log_masking_covers_records_from_named_loggers(root_handlers):
    install_log_masking()
    logging.getLogger("services.registry").error("bad phone 13800138000")
    assert root_handlers[0].stream.getvalue() == "bad phone 138****8000\n"
