"""A failed statement's error, which nameko logs whole, must not carry the values of the row."""

from datetime import date

import pytest
from sqlalchemy import Column, Date, MetaData, String, Table, insert
from sqlalchemy.exc import IntegrityError

from shared.db import make_engine

metadata = MetaData()
people = Table("people", metadata, Column("id_masked", String(18), unique=True), Column("birth_date", Date))


def test_an_integrity_error_names_the_constraint_but_not_the_values(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'people.db'}")
    metadata.create_all(engine)
    row = {"id_masked": "110105********1234", "birth_date": date(1979, 7, 12)}
    with engine.begin() as connection:
        connection.execute(insert(people), row)
    with pytest.raises(IntegrityError) as failure, engine.begin() as connection:
        connection.execute(insert(people), [row, {**row, "id_masked": "110105********9999"}])
    assert "UNIQUE" in str(failure.value)
    assert "1979" not in str(failure.value) and "1234" not in str(failure.value)
    engine.dispose()
