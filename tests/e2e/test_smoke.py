def test_health_reports_every_service(api):
    response = api.get("/health", token=None)
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"gateway": "ok", "registry": "ok", "aid": "ok", "notify": "ok"},
    }
