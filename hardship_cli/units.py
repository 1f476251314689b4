"""`hardship unit add`: a unit made straight in the registry's database, as the API makes it (its event waits in the
outbox until the registry runs); the command line works at the root, so any parent will do."""

import sys

from sqlalchemy.orm import Session

from services.registry import units
from services.registry.schemas import OrgUnitCreateSchema
from shared.db import db_url, make_engine
from shared.domain_errors import DomainError
from shared.edge import service_error
from shared.errors import ServiceError
from shared.migrations import upgrade
from shared.schemas import load_or_400


def add_unit(name: str, parent_id: str, level: str) -> int:
    upgrade("registry")
    with Session(make_engine(db_url("registry"))) as session:
        try:
            unit = units.create(
                session,
                load_or_400(OrgUnitCreateSchema(), {"name": name, "parent_id": parent_id, "level": level}),
                None,
            )
        except (ServiceError, DomainError) as raised:
            error = service_error(raised) if isinstance(raised, DomainError) else raised
            print(f"{error.message}：{error.fields}" if error.fields else error.message, file=sys.stderr)
            return 2
    print(f"已新建组织 {unit.name}（{unit.level}），org_unit_id={unit.org_unit_id}")
    return 0
