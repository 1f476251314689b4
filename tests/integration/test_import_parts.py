"""An upload stored part by part in the registry (add_import_part), then imported from its parts (import_workers).

The parts are sent straight over RPC here, so they can come out of order, twice, or not at all; what the import
reads is exactly the file, and no part outlives its import.
"""

import base64
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import insert, select

from services.registry.models import import_parts
from services.registry.service import RegistryService
from services.registry.uploads import INCOMPLETE
from shared.db import make_engine
from shared.errors import ServiceError
from shared.events import now_utc
from tests.fakes.sheets import generate_workers, to_csv_bytes
from tests.fakes.unions import ROOT_SCOPE

ROWS = 30
# What these check is the registry's logic, not how a database keeps it; on both where it is: a part sent twice
# (INSERT … ON CONFLICT, written for each), parts a day old (timestamps compared in SQL), a filename's length
# (PostgreSQL counts and refuses, SQLite does not).
ONE_DATABASE = pytest.mark.parametrize("db_backend", ["sqlite"])


@pytest.fixture
def registry(config, runner_factory, registry_rpc):
    runner_factory(config, RegistryService).start()
    return registry_rpc


@pytest.fixture
def registry_db(config):
    engine = make_engine(config["REGISTRY_DB_URL"])
    yield engine
    engine.dispose()


def stored(engine) -> list[tuple[str, int]]:
    with engine.connect() as connection:
        return sorted(connection.execute(select(import_parts.c.import_id, import_parts.c.seq)).all())


def cut(content: bytes, pieces: int) -> list[str]:
    """The content in `pieces` parts of about the same size (through the middle of lines and characters), base64."""
    size = -(-len(content) // pieces)
    return [base64.b64encode(content[start : start + size]).decode() for start in range(0, len(content), size)]


def test_parts_sent_out_of_order_and_twice_import_as_the_file_and_are_then_deleted(registry, registry_db):
    content = to_csv_bytes(generate_workers(ROWS, seed=21))
    parts, import_id = cut(content, 3), uuid.uuid4().hex
    for seq in (2, 0, 1, 0, 2):  # a retried RPC sends its part again
        registry.add_import_part(import_id, seq, parts[seq])
    assert stored(registry_db) == [(import_id, 0), (import_id, 1), (import_id, 2)]

    result = registry.import_workers(import_id, 3, "cut.csv", "test", ROOT_SCOPE)

    assert (result["import_id"], result["total_rows"], result["created"], result["rejected"]) == (
        import_id,
        ROWS,
        ROWS,
        [],
    )
    assert stored(registry_db) == []
    assert registry.import_progress(import_id, ROOT_SCOPE)["status"] == "done"


@ONE_DATABASE
def test_a_missing_part_fails_the_import_and_its_parts_are_deleted(registry, registry_db):
    parts, import_id = cut(to_csv_bytes(generate_workers(ROWS, seed=22)), 3), uuid.uuid4().hex
    for seq in (0, 2):
        registry.add_import_part(import_id, seq, parts[seq])

    with pytest.raises(ServiceError) as refused:
        registry.import_workers(import_id, 3, "cut.csv", "test", ROOT_SCOPE)

    assert (refused.value.status, refused.value.fields) == (400, {"file": [INCOMPLETE]})
    assert stored(registry_db) == []
    state = registry.import_progress(import_id, ROOT_SCOPE)
    assert (state["status"], state["result"]) == ("failed", {"error": INCOMPLETE})


@ONE_DATABASE
def test_a_sheet_that_cannot_be_read_fails_and_its_parts_are_deleted_but_not_another_uploads(registry, registry_db):
    other = uuid.uuid4().hex
    registry.add_import_part(other, 0, cut(b"still on its way", 1)[0])
    import_id = uuid.uuid4().hex
    registry.add_import_part(import_id, 0, cut(b"\x00\x01garbage", 1)[0])

    with pytest.raises(ServiceError) as refused:
        registry.import_workers(import_id, 1, "garbage.csv", "test", ROOT_SCOPE)

    assert refused.value.status == 400 and "无法识别的文件格式" in refused.value.fields["file"][0]
    assert stored(registry_db) == [(other, 0)]
    registry.discard_import_parts(other)  # what the gateway asks when it refuses an upload on the way in
    assert stored(registry_db) == []


def test_parts_left_by_an_abandoned_upload_are_deleted_after_a_day_when_another_upload_starts(registry, registry_db):
    abandoned, recent, import_id = uuid.uuid4().hex, uuid.uuid4().hex, uuid.uuid4().hex
    with registry_db.begin() as connection:
        connection.execute(
            insert(import_parts),
            [
                {
                    "import_id": abandoned,
                    "seq": 0,
                    "sealed": "v1:old",
                    "received_at": now_utc() - timedelta(days=1, minutes=1),
                },
                {"import_id": recent, "seq": 0, "sealed": "v1:new", "received_at": now_utc() - timedelta(hours=23)},
            ],
        )
    registry.add_import_part(import_id, 0, cut(b"a", 1)[0])
    assert stored(registry_db) == sorted([(recent, 0), (import_id, 0)])


@ONE_DATABASE
def test_parts_are_stored_encrypted(registry, registry_db):
    import_id = uuid.uuid4().hex
    registry.add_import_part(import_id, 0, cut("身份证号\n110105194912310029\n".encode(), 1)[0])
    with registry_db.connect() as connection:
        sealed = connection.execute(select(import_parts.c.sealed)).scalar()
    assert sealed.startswith("v1:") and "110105194912310029" not in sealed
    assert "110105194912310029" not in base64.b64decode(sealed[3:]).decode("latin-1")


@ONE_DATABASE
@pytest.mark.parametrize(
    "import_id,seq,content,message",
    [
        ("not-an-id", 0, "YQ==", "上传的分段编号无效"),
        (uuid.uuid4().hex, -1, "YQ==", "上传的分段编号无效"),
        (uuid.uuid4().hex, "1", "YQ==", "上传的分段编号无效"),
        (uuid.uuid4().hex, 0, "not base64!", "文件内容无法读取"),
    ],
    ids=["bad-id", "negative-seq", "seq-not-a-number", "bad-base64"],
)
def test_a_malformed_part_is_refused(registry, registry_db, import_id, seq, content, message):
    with pytest.raises(ServiceError) as refused:
        registry.add_import_part(import_id, seq, content)
    assert (refused.value.status, refused.value.fields) == (400, {"file": [message]})
    assert stored(registry_db) == []


def test_a_filename_longer_than_its_column_is_refused_and_the_uploads_parts_are_deleted(registry, registry_db):
    """PostgreSQL refused the imports row (a 500) and the parts stayed for a day; on every database now a 400."""
    too_long, longest = "名" * 252 + ".csv", "名" * 251 + ".csv"  # the column counts characters, not bytes
    for announce_first in (False, True):
        import_id = uuid.uuid4().hex
        registry.add_import_part(import_id, 0, cut(to_csv_bytes(generate_workers(1, seed=23)), 1)[0])
        with pytest.raises(ServiceError) as refused:
            if announce_first:  # an async import is announced before it runs
                registry.start_import(import_id, too_long, "test", ROOT_SCOPE)
            else:
                registry.import_workers(import_id, 1, too_long, "test", ROOT_SCOPE)
        assert (refused.value.status, list(refused.value.fields)) == (400, ["filename"])
        assert "255" in refused.value.fields["filename"][0]
        assert stored(registry_db) == []
        with pytest.raises(ServiceError) as unknown:
            registry.import_progress(import_id, ROOT_SCOPE)
        assert unknown.value.status == 404

    import_id = uuid.uuid4().hex
    registry.add_import_part(import_id, 0, cut(to_csv_bytes(generate_workers(1, seed=23)), 1)[0])
    registry.start_import(import_id, longest, "test", ROOT_SCOPE)
    assert registry.import_workers(import_id, 1, longest, "test", ROOT_SCOPE)["created"] == 1
    assert registry.import_progress(import_id, ROOT_SCOPE)["filename"] == longest
