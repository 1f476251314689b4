"""A worker's file told anew (worker_updated) while a reviewer takes a step of one of their applications in review:
the level the application awaits next is computed from the steps as they are when it is written, never from the
steps read before the reviewer's step (services/aid/applications.follow_worker).

On PostgreSQL the reviewer's step commits from another connection between aid's read and its write (a file told
anew with the same unit locks none of the worker's applications); SQLite has one writer at a time, so there the step
is taken in aid's own transaction between the read and the write.
"""

from alembic import command
from nameko.testing.services import worker_factory
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from services.aid import campaigns, units
from services.aid.domain import decisions
from services.aid.domain.model import Application, Campaign
from services.aid.domain.workdays import NO_CALENDAR
from services.aid.models import applications
from services.aid.moves import DECIDED, carry_out, commit
from services.aid.service import AidService
from shared.db import make_engine
from shared.events import now_utc
from shared.migrations import alembic_config
from tests.fakes.campaigns import warmth_fields
from tests.fakes.events import sample

ROOT, EAST, WORKER = "0a" * 16, "0b" * 16, "0c" * 16
LEVELS = ["district", "city"]


def test_a_review_step_taken_while_the_workers_file_is_told_anew_is_not_overwritten(db_urls, db_backend, monkeypatch):
    url = db_urls["AID_DB_URL"]
    command.upgrade(alembic_config("aid", url), "head")
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            aid = worker_factory(AidService, db=session)
            aid.on_org_unit_created(sample("org_unit_created", org_unit_id=ROOT, parent_id=None, level="city", path=[]))
            aid.on_org_unit_created(sample("org_unit_created", org_unit_id=EAST, parent_id=ROOT, path=[ROOT]))
            aid.on_worker_updated(sample("worker_updated", worker_id=WORKER, org_unit_id=EAST, version=1))
            campaign = _campaign(session)
            application_id = _in_review(session, campaign)

            real_levels_on, steps = units.levels_on, []

            def step_meanwhile(*args, **kwargs):
                """Between aid's read of the application and its write: a district reviewer takes their step."""
                if not steps:
                    if db_backend == "postgres":
                        with Session(engine) as reviewer:
                            steps.append(_district_step(reviewer, campaign, application_id, commit))
                    else:
                        steps.append(_district_step(session, campaign, application_id, carry_out))
                return real_levels_on(*args, **kwargs)

            monkeypatch.setattr(units, "levels_on", step_meanwhile)
            aid.on_worker_updated(sample("worker_updated", worker_id=WORKER, org_unit_id=EAST, version=2))

            assert steps, "the reviewer took no step"
            row = session.execute(select(applications).where(applications.c.application_id == application_id)).one()
            assert (row.status, [step["level"] for step in row.review_done]) == ("submitted", ["district"])
            assert row.review_next == "city"  # not "district", computed from the steps read before the reviewer's
    finally:
        engine.dispose()


def _campaign(session) -> Campaign:
    row = campaigns.create(
        session,
        warmth_fields(review_levels=LEVELS),
        "admin:root",
        None,
        ask_registry=None,
    )
    return Campaign.of(row._mapping)


def _in_review(session, campaign: Campaign) -> str:
    """An application of the worker's, filed in the east district and awaiting its district step."""
    application_id, now = "0d" * 16, now_utc()
    session.execute(
        insert(applications).values(
            application_id=application_id,
            campaign_id=campaign.campaign_id,
            program="warmth",
            worker_id=WORKER,
            status="submitted",
            amount_fen=50_000,
            name_masked="王*",
            id_number_masked="110105********1234",
            id_last4="1234",
            short_number="123456",
            union="城东区工会",
            category="deep",
            org_unit_id=EAST,
            path=f"{ROOT}/{EAST}/",
            level="district",
            submitted_by="caseworker:maker",
            review_done=[],
            review_next="district",
            created_at=now,
            updated_at=now,
        )
    )
    session.commit()
    return application_id


def _district_step(session, campaign: Campaign, application_id: str, carry) -> bool:
    row = session.execute(select(*DECIDED).where(applications.c.application_id == application_id)).one()
    at = now_utc()
    move = decisions.approval(
        Application.of(row._mapping),
        campaign,
        {"status": "active"},
        "caseworker:district",
        None,
        at,
        at.date(),
        NO_CALENDAR,
        levels=LEVELS,
        actor_level="district",
    )
    carry(session, [move], at)
    return True
