"""The audit trail of a worker file, and finding files whose yearly review is due."""

from tests.e2e.builders import assert_error, create_worker, own_tag


def test_every_change_and_every_reveal_is_in_the_audit_trail(api):
    caseworker = api.token_for("caseworker")
    auditor = api.token_for("auditor")
    _body, worker = create_worker(api, token=caseworker)
    path = f"/api/v1/workers/{worker['worker_id']}"
    assert api.patch(path, token=caseworker, json={"household_size": 5}).status_code == 200
    assert api.get(path + "?reveal=1", token=caseworker).status_code == 200
    assert (
        api.post(path + "/status", token=caseworker, json={"status": "suspended", "reason": "待复核"}).status_code
        == 200
    )

    trail = api.get(path + "/audit", token=auditor)

    assert trail.status_code == 200
    entries = trail.json()["items"]
    assert [entry["action"] for entry in entries] == ["create", "update", "reveal", "status"]
    assert {entry["actor"] for entry in entries} == {entries[0]["actor"]}
    assert entries[0]["actor"].startswith("caseworker:")
    assert entries[1]["details"] == {"fields": ["household_size"]}
    assert entries[3]["details"] == {"from_status": "active", "to_status": "suspended"}


def test_only_admins_and_auditors_read_the_audit_trail(api):
    _body, worker = create_worker(api)

    assert_error(
        api.get(f"/api/v1/workers/{worker['worker_id']}/audit", token=api.token_for("caseworker")), 403, "forbidden"
    )
    assert_error(api.get(f"/api/v1/workers/{'0' * 32}/audit"), 404, "not_found")


def test_files_whose_yearly_review_is_due(api):
    union = f"纺织工会{own_tag()}"  # the shared register holds every test's files: this test's are in its own union
    _body, due = create_worker(api, filed_on="2025-01-10", union=union)
    _body, later = create_worker(api, filed_on="2025-06-10", union=union)

    listed = api.get(f"/api/v1/workers?review_due_by=2026-03-01&union={union}").json()["items"]

    assert [item["worker_id"] for item in listed] == [due["worker_id"]]
    everyone = api.get("/api/v1/workers?review_due_by=2026-03-01&per_page=1").json()
    assert everyone["total"] >= 1  # without the union, the due files of the whole register
    assert_error(api.get("/api/v1/workers?review_due_by=soon"), 400, "validation_error")
