"""The parking queues after the run: the poison there with its reason, replayed (`hardship dlq replay`) and parked again."""

import time
from dataclasses import dataclass

from hardship_cli.dlq import list_parked, replay

WAIT_SECONDS = 90


@dataclass
class ParkedFigures:
    poison: int
    poison_again: int
    real: int

    def broken(self, injected: int) -> list[str]:
        if self.poison == self.poison_again == injected:
            return []
        return [f"有毒消息停放 {self.poison} 条、重放后再停放 {self.poison_again} 条（应为 {injected} 条）"]


def poison_parked(amqp_uri: str, poison_ids: set[str]) -> list:
    return [item for item in list_parked(amqp_uri) if (item.event_id or "") in poison_ids]


def wait_for_poison(amqp_uri: str, poison_ids: set[str], injected: int) -> list:
    deadline = time.monotonic() + WAIT_SECONDS
    while len(parked := poison_parked(amqp_uri, poison_ids)) < injected and time.monotonic() < deadline:
        time.sleep(1)
    return parked


def settle_parked(amqp_uri: str, poison_ids: list[str], log) -> ParkedFigures:
    ids = set(poison_ids)
    parked = wait_for_poison(amqp_uri, ids, len(poison_ids))
    for item in parked:
        log(f"停放：{item.queue} {item.event_type} {item.event_id or '（无 event_id）'}：{item.reason}")
    real = [item for item in list_parked(amqp_uri) if (item.event_id or "") not in ids]
    for item in real:
        log(f"停放的正常事件：{item.queue} {item.event_type} {item.event_id}：{item.reason}")
    replayed = replay(amqp_uri)
    log(f"hardship dlq replay：放回 {len(replayed)} 条，等待有毒消息再次停放 …")
    again = wait_for_poison(amqp_uri, ids, len(poison_ids))
    return ParkedFigures(poison=len(parked), poison_again=len(again), real=len(real))
