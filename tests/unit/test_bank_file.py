"""The bank file is built from the payees a batch keeps (services/aid/disbursement.py), in memory."""

import csv
import io
import json
from types import SimpleNamespace

from services.aid.disbursement import BANK_FILE_HEADER, bank_file, workers_without_payee
from shared.crypto import Vault

VAULT = Vault(b"unit-test-key")


def sealed(name: str, account: str, bank_name: str = "中国工商银行") -> str:
    return VAULT.encrypt(json.dumps({"name": name, "bank_name": bank_name, "account": account}, ensure_ascii=False))


def item(line: int, worker_id: str, payee_sealed: str | None) -> SimpleNamespace:
    return SimpleNamespace(
        line=line,
        amount_fen=300_050,
        payee_sealed=payee_sealed,
        application_id=f"app-{line}",
        worker_id=worker_id,
        program="warmth",
    )


def rows_of(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("gb18030"), newline="")))


def test_each_line_pays_the_payee_the_batch_kept_with_formula_cells_inert():
    items = [
        item(1, "w1", sealed('=HYPERLINK("http://example.invalid/","领取")', "6222000000000000001")),
        item(3, "w2", sealed("王䶮", "6222000000000000002", "中国农业银行")),
    ]

    rows = rows_of(bank_file(items, VAULT, {"w1": sealed("不应使用", "6222999999999999999")}))

    assert rows == [
        list(BANK_FILE_HEADER),
        [
            "1",
            "6222000000000000001",
            '\'=HYPERLINK("http://example.invalid/","领取")',
            "中国工商银行",
            "3000.50",
            "送温暖补助",
            "app-1",
        ],
        ["3", "6222000000000000002", "王䶮", "中国农业银行", "3000.50", "送温暖补助", "app-3"],
    ]


def test_a_line_from_before_batches_kept_payees_takes_the_registry_payee():
    items = [item(1, "w1", sealed("李秀", "6222000000000000001")), item(2, "w2", None), item(3, "w2", None)]

    assert workers_without_payee(items) == ["w2"]
    rows = rows_of(bank_file(items, VAULT, {"w2": sealed("张三", "6222000000000000002")}))
    assert [row[1:3] for row in rows[1:]] == [
        ["6222000000000000001", "李秀"],
        ["6222000000000000002", "张三"],
        ["6222000000000000002", "张三"],
    ]
