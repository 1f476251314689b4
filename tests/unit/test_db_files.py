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


def test_an_existing_database_is_never_opened_to_set_its_mode(tmp_path, monkeypatch):
    """Closing any descriptor of a file drops every POSIX lock the process holds on it: a second engine made for a
    database this process already uses (the notify dispatcher beside its service) must not open the file, or the
    first engine's SQLite connections lose their locks (the WAL's last-connection check among them)."""
    import os

    path = tmp_path / "notify.db"
    make_engine(f"sqlite:///{path}").dispose()
    opened = []
    real_open = os.open
    monkeypatch.setattr(
        os, "open", lambda file, *args, **kwargs: opened.append(str(file)) or real_open(file, *args, **kwargs)
    )
    make_engine(f"sqlite:///{path}").dispose()
    assert str(path) not in opened
    assert mode(path) == 0o600
