"""Reading /metrics in tests."""

from prometheus_client.parser import text_string_to_metric_families


def scrape(api, **kwargs) -> dict:
    """{(sample name, frozenset of labels): value}"""
    response = api.get("/metrics", **kwargs)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def value(samples: dict, name: str, **labels) -> float | None:
    return samples.get((name, frozenset(labels.items())))
