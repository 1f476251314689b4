"""`hardship dlq list|replay`: what the parking queues hold, printed for an operator, and replaying it."""

import sys

from hardship_cli.dlq import list_parked, replay
from hardship_cli.supervisor import broker_problem


def describe(parked) -> str:
    return (
        f"{parked.queue}\t{parked.event_type}\t{parked.event_id or '（无 event_id）'}\t"
        f"{parked.parked_at or '-'}\t第 {parked.attempts or '?'} 次失败后停放：{parked.reason or '（未记录原因）'}"
    )


def list_command() -> int:
    problem = broker_problem()
    if problem:
        print(problem, file=sys.stderr)
        return 1
    parked = list_parked()
    if not parked:
        print("停放队列是空的。")
        return 0
    print("队列\t事件类型\tevent_id\t停放时间\t原因")
    for item in parked:
        print(describe(item))
    print(f"共 {len(parked)} 条停放的事件。重放：hardship dlq replay [--queue 队列 | --event-id ID]")
    return 0


def replay_command(queue: str | None, event_id: str | None) -> int:
    problem = broker_problem()
    if problem:
        print(problem, file=sys.stderr)
        return 1
    try:
        replayed = replay(queue=queue, event_id=event_id)
    except ValueError as error:
        print(str(error), file=sys.stderr)
        return 2
    for item in replayed:
        print(f"已放回 {item.queue}：{item.event_type} {item.event_id or '（无 event_id）'}")
    if event_id is not None and not replayed:
        print(f"停放队列里没有事件 {event_id}", file=sys.stderr)
        return 1
    print(f"共重放 {len(replayed)} 条；处理仍失败的会再次停放，可用 hardship dlq list 查看。")
    return 0
