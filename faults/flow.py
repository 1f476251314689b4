"""The applications' way through the system, over the gateway's HTTP API, as its users would drive it.

Staff retry what did not get an answer (the connection broke, 5xx, a timeout): a submission that
was in fact taken answers 409 the second time and is then looked up, and the desk keeps sending
what is still submitted, ready or paying on to its next step until every application is paid.
"""

import csv
import io
import math
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import requests

from tests.fakes.sheets import generate_workers, to_csv_bytes
from tests.fakes.unions import unit_bodies

AMOUNT_FEN = 300_000
CLIENTS = 8
SUBMIT_ROUNDS = 40
ROUND_PAUSE_SECONDS = 1.0  # between the desk's rounds, unless told otherwise (--quick: 0.2)
APPROVE_BATCH = 100
PAGE = 500
CALL_DEADLINE_SECONDS = 180


class Client:
    """One user's HTTP session; retries what got no answer, and counts the retries by cause."""

    retries: Counter = Counter()
    stopping = threading.Event()  # the suite is ending: stop retrying
    _lock = threading.Lock()

    def __init__(self, base_url: str, token: str):
        self.base_url = base_url
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"

    def call(self, method: str, path: str, **kwargs) -> requests.Response:
        """The first answer that is not a failure to answer (any 2xx or 4xx but 429)."""
        deadline, pause = time.monotonic() + CALL_DEADLINE_SECONDS, 0.5
        while True:
            try:
                response = self.session.request(method, self.base_url + path, timeout=60, **kwargs)
                if response.status_code < 500 and response.status_code != 429:
                    return response
                cause = f"HTTP {response.status_code}"
            except requests.RequestException as exc:
                cause = type(exc).__name__
            with self._lock:
                self.retries[cause] += 1
            if time.monotonic() > deadline or self.stopping.is_set():
                raise RuntimeError(f"{method} {path} got no answer (last: {cause})")
            time.sleep(pause)
            pause = min(5.0, pause * 2)

    def json(self, method: str, path: str, expected: int, **kwargs) -> dict:
        response = self.call(method, path, **kwargs)
        if response.status_code != expected:
            raise RuntimeError(f"{method} {path} → {response.status_code} {response.text[:300]}")
        return response.json()


def listing(client: Client, path: str) -> list[dict]:
    items, page = [], 1
    while True:
        answer = client.json("GET", f"{path}&per_page={PAGE}&page={page}", 200)
        items += answer["items"]
        if len(items) >= answer["total"] or not answer["items"]:
            return items
        page += 1


def results_csv(application_ids) -> bytes:
    """The bank's answer: every line paid."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(("application_id", "result", "bank_ref", "reason"))
    for application_id in application_ids:
        writer.writerow((application_id, "success", f"FAULTS{application_id[-12:]}", ""))
    return out.getvalue().encode()


class Flow:
    def __init__(self, base_url: str, admin_token: str, size: int, round_pause: float = ROUND_PAUSE_SECONDS):
        self.base_url, self.size, self.round_pause = base_url, size, round_pause
        self.rounds_done = 0  # rounds of submitting and moving on finished: the system is in use
        self.admin = Client(base_url, admin_token)
        self.acknowledged: dict[str, str] = {}  # worker_id → application_id the system answered with
        self.batches: set[str] = set()
        self.bank_file_lines = 0

    def prepare(self) -> None:
        """Staff accounts, the unions, the registry (imported), and a campaign without 公示 days, before any fault."""
        tokens = {
            role: self.admin.json("POST", "/api/v1/users", 201, json={"name": f"故障演练{role}", "role": role})["token"]
            for role in ("caseworker", "finance")
        }
        self.checker = Client(
            self.base_url,
            self.admin.json("POST", "/api/v1/users", 201, json={"name": "故障演练审核", "role": "caseworker"})["token"],
        )
        self.finance = Client(self.base_url, tokens["finance"])
        self.makers = [Client(self.base_url, tokens["caseworker"]) for _ in range(CLIENTS)]
        (root,) = [unit for unit in listing(self.admin, "/api/v1/org-units?") if unit["parent_id"] is None]
        for body in unit_bodies(root["org_unit_id"]):  # the unions the rows name
            self.admin.json("POST", "/api/v1/org-units", 201, json=body)
        rows = generate_workers(self.size, seed=7)
        for row in rows:
            row["hardship_category"] = "深度困难"
        imported = self.makers[0].json(
            "POST", "/api/v1/workers/import?filename=faults.csv", 200, data=to_csv_bytes(rows)
        )
        self.worker_ids = [item["worker_id"] for item in listing(self.admin, "/api/v1/workers?status=active")]
        if len(self.worker_ids) != self.size:
            raise RuntimeError(f"imported {len(self.worker_ids)} workers of {self.size}: {imported}")
        today = date.today()
        self.campaign_id = self.admin.json(
            "POST",
            "/api/v1/campaigns",
            201,
            json={
                "program": "warmth",
                "name": "故障演练送温暖",
                "year": today.year,
                "opens_on": f"{today.year}-01-01",
                "closes_on": f"{today.year}-12-31",
                "budget_fen": AMOUNT_FEN * self.size,
                "amounts": {"deep": AMOUNT_FEN},
                "publicity_days": 0,
            },
        )["campaign_id"]

    def submit(self, index: int) -> None:
        worker_id = self.worker_ids[index]
        maker = self.makers[index % CLIENTS]
        response = maker.call(
            "POST", "/api/v1/applications", json={"campaign_id": self.campaign_id, "worker_id": worker_id}
        )
        if response.status_code == 201:
            self.acknowledged[worker_id] = response.json()["application_id"]
            return
        # taken before the answer was lost (the retry is refused as a second application): look it up
        found = maker.json("GET", f"/api/v1/applications?campaign_id={self.campaign_id}&worker_id={worker_id}", 200)
        if response.status_code != 409 or not found["items"]:
            raise RuntimeError(f"submission for {worker_id} → {response.status_code} {response.text[:300]}")
        self.acknowledged[worker_id] = found["items"][0]["application_id"]

    def with_status(self, status: str) -> list[dict]:
        return listing(self.finance, f"/api/v1/applications?campaign_id={self.campaign_id}&status={status}")

    def advance(self) -> None:
        """Every application one step on: approve what is submitted, batch what is ready, pay what is paying."""
        submitted = [item["application_id"] for item in self.with_status("submitted")]
        for start in range(0, len(submitted), APPROVE_BATCH):
            self.checker.json(
                "POST",
                "/api/v1/applications/approve-batch",
                200,
                json={"application_ids": submitted[start : start + APPROVE_BATCH]},
            )
        if self.with_status("ready") or self.with_status("payment_failed"):
            response = self.finance.call("POST", "/api/v1/disbursement-batches", json={"campaign_id": self.campaign_id})
            if response.status_code == 201:
                batch_id = response.json()["batch_id"]
                self.batches.add(batch_id)
                bank_file = self.finance.call("GET", f"/api/v1/disbursement-batches/{batch_id}/file")
                self.bank_file_lines += len(bank_file.content.decode("gb18030").splitlines()) - 1
            elif response.status_code != 409:  # 409: nothing left to batch (a retried request already took it)
                raise RuntimeError(f"new batch → {response.status_code} {response.text[:300]}")
        paying: dict[str, list[str]] = {}
        for item in self.with_status("paying"):
            paying.setdefault(item["batch_id"], []).append(item["application_id"])
        for batch_id, application_ids in paying.items():
            self.finance.json(
                "POST",
                f"/api/v1/disbursement-batches/{batch_id}/results",
                200,
                data=results_csv(application_ids),
                headers={"Content-Type": "text/csv"},
            )

    def disbursed(self) -> int:
        return self.admin.json("GET", f"/api/v1/campaigns/{self.campaign_id}", 200)["counts"]["disbursed"]

    def run(self, deadline_seconds: float, keep_going=lambda: False, give_up=lambda: False) -> float:
        """Submit in rounds spread over the faults, moving everything on after each, until every application
        is paid and `keep_going()` (the faults are still being injected) is false, or until `give_up()`;
        returns the seconds taken."""
        started = time.monotonic()
        per_round = math.ceil(self.size / SUBMIT_ROUNDS)
        with ThreadPoolExecutor(CLIENTS) as pool:
            try:
                for start in range(0, self.size, per_round):
                    if give_up():
                        return time.monotonic() - started
                    list(pool.map(self.submit, range(start, min(self.size, start + per_round))))
                    self.advance()
                    self.rounds_done += 1
                    time.sleep(self.round_pause)
            except BaseException:  # interrupted: the clients in the pool stop retrying, so it can close
                Client.stopping.set()
                raise
        while not give_up() and (keep_going() or self.disbursed() < self.size):
            if time.monotonic() - started > deadline_seconds:
                raise RuntimeError(
                    f"only {self.disbursed()} of {self.size} applications paid after {deadline_seconds:.0f} s"
                )
            self.advance()
            self.rounds_done += 1
            time.sleep(self.round_pause)
        return time.monotonic() - started
