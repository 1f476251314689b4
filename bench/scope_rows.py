"""The registry's tables filled for the scope benchmark: under the root, DISTRICTS districts of BASES base unions each,
and workers spread over the base unions in the registry's real row shape, bulk-loaded with COPY (the service's insert
path would take an hour for a million files). Every sealed column holds one ciphertext made once with the real vault:
a search never opens it."""

import io
import random
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import psycopg2
import psycopg2.extensions

from services.registry.rules import review_due_on
from services.registry.workers import seal
from shared import org_paths
from shared.crypto import Vault

DISTRICTS = 15
BASES = 200  # per district: 3,000 base unions, 3,016 units with the districts and the root
# Surnames most common first, each drawn with a weight that falls with its rank (王 about one name in twelve).
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔"
)
GIVEN = "秀英华明国建军平志红玉兰芳丽伟强敏静婷海云春梅林桂珍凤霞德福永成文金荣胜利新宝杰涛斌鹏辉刚勇毅"
EMPLOYERS = ("纺织厂", "机械厂", "钢铁厂", "化工厂", "公交公司", "环卫所", "物流公司", "电子厂")
CATEGORIES = ("deep", "relative", "accident")
CATEGORY_WEIGHTS = (3, 5, 2)
STARTED = datetime(2020, 1, 1, tzinfo=UTC)
WORKER_COLUMNS = (
    'worker_id, name, id_number_hash, id_number_masked, sealed, gender, birth_date, phone_masked, employer, "union", '
    "org_unit_id, path, category, reasons, household_size, household_monthly_income_fen, bank_name, "
    "bank_account_masked, family, filed_on, review_due_on, status, fingerprint, version, created_at, updated_at"
)


@dataclass(frozen=True)
class Unit:
    org_unit_id: str
    name: str
    path: str


@dataclass(frozen=True)
class Tree:
    districts: list[Unit]
    bases: list[Unit]  # district by district, BASES each


class Stream:
    """A file-like object over chunks of bytes made on demand, for COPY to read without the whole load in memory."""

    def __init__(self, chunks):
        self.chunks, self.current = chunks, io.BytesIO()

    def read(self, size: int = -1) -> bytes:
        data = self.current.read(size)
        while not data:
            chunk = next(self.chunks, None)
            if chunk is None:
                return b""
            self.current = io.BytesIO(chunk)
            data = self.current.read(size)
        return data


def _new_id(rng: random.Random) -> str:
    return f"{rng.getrandbits(128):032x}"


def _unit_line(unit: Unit, parent_id: str, level: str, depth: int, children: int, now: str) -> str:
    return f"{unit.org_unit_id}\t{unit.name}\t{parent_id}\t{level}\t{unit.path}\t{depth}\t{children}\t1\t{now}\t{now}\n"


def tree(cursor, rng: random.Random) -> Tree:
    """The districts and base unions under the root the migrations made, copied in."""
    cursor.execute("SELECT org_unit_id, path FROM org_units WHERE parent_id IS NULL")
    root_id, root_path = cursor.fetchone()
    districts, bases, lines, now = [], [], [], datetime.now(UTC).isoformat()
    for number in range(1, DISTRICTS + 1):
        unit_id = _new_id(rng)
        district = Unit(unit_id, f"第{number}区总工会", org_paths.child_path(root_path, unit_id))
        districts.append(district)
        lines.append(_unit_line(district, root_id, "district", 1, BASES, now))
        for base_number in range(1, BASES + 1):
            unit_id = _new_id(rng)
            base = Unit(unit_id, f"第{number}区第{base_number}基层工会", org_paths.child_path(district.path, unit_id))
            bases.append(base)
            lines.append(_unit_line(base, district.org_unit_id, "base", 2, 0, now))
    columns = "org_unit_id, name, parent_id, level, path, depth, children, version, created_at, updated_at"
    cursor.copy_expert(f"COPY org_units ({columns}) FROM STDIN", io.StringIO("".join(lines)))
    cursor.execute("UPDATE org_units SET children = %s WHERE org_unit_id = %s", (DISTRICTS, root_id))
    return Tree(districts, bases)


def names(rng: random.Random, count: int) -> list[str]:
    surnames = rng.choices(SURNAMES, weights=[1 / (rank + 3) for rank in range(len(SURNAMES))], k=count)
    return [surname + "".join(rng.choices(GIVEN, k=rng.choice((1, 2)))) for surname in surnames]


def _worker_chunks(tree_: Tree, count: int, rng: random.Random, sealed: str, per_chunk: int = 5_000):
    for first in range(0, count, per_chunk):
        size = min(per_chunk, count - first)
        lines = []
        for number, name, base, category in zip(
            range(first, first + size),
            names(rng, size),
            rng.choices(tree_.bases, k=size),
            rng.choices(CATEGORIES, weights=CATEGORY_WEIGHTS, k=size),
            strict=True,
        ):
            filed = date(2020, 1, 1) + timedelta(days=number * 2000 // count)
            created = (STARTED + timedelta(seconds=number * 60)).isoformat()
            lines.append(
                f"{_new_id(rng)}\t{name}\t{number:064x}\t110105********{number % 10_000:04d}\t{sealed}\t"
                f"{'male' if number % 2 else 'female'}\t1975-06-01\t139****{number % 10_000:04d}\t"
                f"第{number % 97 + 1}{EMPLOYERS[number % len(EMPLOYERS)]}\t{base.name}\t{base.org_unit_id}\t{base.path}\t"
                f"{category}\tillness\t{number % 5 + 1}\t{number % 500_000}\t中国工商银行\t****0091\t[]\t"
                f"{filed.isoformat()}\t{review_due_on(filed).isoformat()}\t"
                f"{'exited' if number % 10 == 0 else 'active'}\t{number:064x}\t1\t{created}\t{created}\n"
            )
        yield "".join(lines).encode()


@contextmanager
def bulk_load(url: str):
    """A cursor to fill tables with, its rows committed after the block, then VACUUM ANALYZE: the tables as autovacuum
    leaves them after a load."""
    green = psycopg2.extensions.get_wait_callback()
    psycopg2.extensions.set_wait_callback(None)  # COPY refuses to run under eventlet's callback (shared/db.py)
    connection = psycopg2.connect(url)
    try:
        with connection.cursor() as cursor:
            yield cursor
        connection.commit()
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    finally:
        connection.close()
        psycopg2.extensions.set_wait_callback(green)


def fill(url: str, count: int, seed: int = 19) -> Tree:
    """The tree and `count` workers (bulk_load)."""
    rng, vault = random.Random(seed), Vault(b"bench-key")
    sealed = seal(vault, "110105197506010017", "13900000000", "6222000000000000091")
    with bulk_load(url) as cursor:
        made = tree(cursor, rng)
        cursor.copy_expert(
            f"COPY workers ({WORKER_COLUMNS}) FROM STDIN", Stream(_worker_chunks(made, count, rng, sealed))
        )
    return made
