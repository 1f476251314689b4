"""The `hardship` command: run the system, migrate, add users, import sheets, inspect and replay parked events."""

import argparse
import sys

import shared.quiet  # noqa: F401
from shared.config import setting


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="hardship", description="工会困难职工帮扶中心系统")
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="迁移数据库并启动全部服务")
    run.add_argument("--services", default=None, help="逗号分隔的服务名（默认全部）")

    migrate = commands.add_parser("migrate", help="把各服务的数据库升级到最新结构")
    migrate.add_argument("services", nargs="*")

    user = commands.add_parser("user", help="管理账号").add_subparsers(dest="user_command", required=True)
    add = user.add_parser("add", help="新建账号并打印访问令牌")
    add.add_argument("--name", required=True)
    add.add_argument("--role", required=True)
    add.add_argument("--donor-id", default=None)
    add.add_argument("--org-unit", default=None, help="所属工会组织的 org_unit_id（默认根组织）")

    unit = commands.add_parser("unit", help="管理工会组织").add_subparsers(dest="unit_command", required=True)
    add_unit = unit.add_parser("add", help="新建下级工会组织并打印其 org_unit_id")
    add_unit.add_argument("--name", required=True)
    add_unit.add_argument("--parent", required=True, help="上级组织的 org_unit_id")
    add_unit.add_argument("--level", required=True, help="national、province、city、district 或 base")

    sheet = commands.add_parser("import", help="导入困难职工档案表（CSV 或 XLSX），显示进度")
    sheet.add_argument("file")
    sheet.add_argument("--actor", default="cli")

    demo = commands.add_parser("demo", help="在运行中的系统里建立演示项目、档案和审批，并打印地址和令牌")
    demo.add_argument("--sheet", default=None, help="档案表（默认 ../shared/data/workers_sample.csv）")

    dlq = commands.add_parser("dlq", help="查看或重放各服务停放（parking）队列里的事件").add_subparsers(
        dest="dlq_command", required=True
    )
    dlq.add_parser("list", help="列出停放的事件：队列、事件类型、event_id、停放时间和原因")
    replay = dlq.add_parser("replay", help="把停放的事件放回原队列重新处理（默认全部）")
    which = replay.add_mutually_exclusive_group()
    which.add_argument("--queue", default=None, help="只重放这个队列（原队列名或其 .parking 队列名）的事件")
    which.add_argument("--event-id", default=None, help="只重放这一个事件")

    args = parser.parse_args(argv)
    if args.command == "run":
        from hardship_cli.supervisor import run_system

        return run_system(args.services.split(",") if args.services else None)
    if args.command == "migrate":
        from hardship_cli.supervisor import migrate_all

        migrate_all(args.services or None)
        return 0
    if args.command == "user":
        return add_user(args.name, args.role, args.donor_id, args.org_unit)
    if args.command == "unit":
        from hardship_cli.units import add_unit

        return add_unit(args.name, args.parent, args.level)
    if args.command == "demo":
        from hardship_cli.demo import run_demo

        return run_demo(args.sheet)
    if args.command == "dlq":
        from hardship_cli.dlq_cli import list_command, replay_command

        if args.dlq_command == "list":
            return list_command()
        return replay_command(args.queue, args.event_id)
    if args.command == "import":
        from hardship_cli.import_client import import_file

        return import_file(args.file, args.actor)
    return 2


def add_user(name: str, role: str, donor_id: str | None, org_unit_id: str | None) -> int:
    from marshmallow import ValidationError
    from sqlalchemy.orm import Session

    from services.gateway import units
    from services.gateway.auth import create_user
    from services.gateway.schemas import UserCreateSchema
    from shared.db import db_url, make_engine
    from shared.errors import ServiceError
    from shared.migrations import upgrade

    try:
        data = UserCreateSchema().load({"name": name, "role": role, "donor_id": donor_id, "org_unit_id": org_unit_id})
    except ValidationError as exc:
        print(f"参数有误：{exc.messages}", file=sys.stderr)
        return 2
    if data["donor_id"] is not None and not donor_is_filed(data["donor_id"]):
        print(f"参数有误：{{'donor_id': ['未知的捐赠人：{data['donor_id']} 不在 aid 的捐赠人中']}}", file=sys.stderr)
        return 2
    upgrade("gateway")
    with Session(make_engine(db_url("gateway"))) as session:
        learn_from_registry(session, data["org_unit_id"])
        try:
            unit = units.for_new_account(session, None, data["org_unit_id"])
        except ServiceError as error:
            print(f"参数有误：{error.fields}", file=sys.stderr)
            return 2
        user = create_user(session, data["name"], data["role"], data["donor_id"], unit)
    print(f"已创建账号 {user['name']}（{user['role']}），user_id={user['user_id']}")
    print(f"访问令牌（只显示这一次，请妥善保存）：{user['token']}")
    print(
        f"试用：curl -H 'Authorization: Bearer {user['token']}' http://127.0.0.1:{setting('GATEWAY_PORT')}/api/v1/workers"
    )
    return 0


def learn_from_registry(session, unit_id: str | None) -> None:
    """The gateway learns the units from the registry's events, which go out only while the registry runs: a unit made
    by `hardship unit add` before the services start (or the root of a fresh install) is read from the registry's
    database, as its event will tell it, so the account can be put in it now. The operator on the server acts as the
    root, whose subtree holds every unit. `unit_id` None: the root."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from services.gateway import units
    from services.gateway.models import org_units as known
    from services.registry import units as registry_units
    from services.registry.models import org_units
    from shared import org_unit_copy
    from shared.db import db_url, make_engine
    from shared.errors import looks_like_id
    from shared.migrations import upgrade

    if unit_id is None:
        if units.root_id(session) is not None:
            return
        asked = org_units.c.parent_id.is_(None)
    elif not looks_like_id(unit_id) or org_unit_copy.path_of(session, known, unit_id) is not None:
        return
    else:
        asked = org_units.c.org_unit_id == unit_id
    upgrade("registry")
    engine = make_engine(db_url("registry"))
    try:
        with Session(engine) as registry:
            row = registry.execute(select(org_units).where(asked)).first()
    finally:
        engine.dispose()
    if row is not None:
        units.learn(session, registry_units.event_about(row))
        session.commit()


def donor_is_filed(donor_id: str) -> bool:
    """Whether aid has this donor. The operator on the server acts as the root, who sees every unit's donors; aid's
    database is read as `migrate` reads it, from the same server."""
    from sqlalchemy import select

    from services.aid.models import donors
    from shared.db import db_url, make_engine
    from shared.migrations import upgrade

    upgrade("aid")
    engine = make_engine(db_url("aid"))
    try:
        with engine.connect() as connection:
            return connection.scalar(select(donors.c.donor_id).where(donors.c.donor_id == donor_id)) is not None
    finally:
        engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
