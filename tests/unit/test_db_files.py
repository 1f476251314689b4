"""SQLite database files hold personal data: only the service's own user may read them."""
from sqlalchemy import text

from shared.db import make_engine


def mode(path) -> int:
    return path.stat().st_mode & 0o777


def test_a_new_database_and_its_wal_files_are_private(tmp_path):
    path = tmp_path / "var" / "registry.db"
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (x INTEGER)"))
        connection.execute(text("INSERT INTO t VALUES (1)"))
        files = [path, path.with_name("registry.db-wal"), path.with_name("registry.db-shm")]
        assert [mode(file) for file in files] == [0o600] * 3
    engine.dispose()


def test_an_existing_database_made_readable_to_others_is_made_private_again(tmp_path):
    path = tmp_path / "aid.db"
    path.touch(mode=0o644)
    path.chmod(0o644)
    make_engine(f"sqlite:///{path}").dispose()
    assert mode(path) == 0o600
