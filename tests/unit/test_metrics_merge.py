"""The gateway merges services' exposition texts into one, each sample labelled with its service."""

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.parser import text_string_to_metric_families

from services.gateway.metrics import merged, with_service_label
from shared.metrics import Families, exposition


def service_text(backlog: int, relayed: int, extra=()) -> str:
    unpublished = GaugeMetricFamily("hardship_outbox_unpublished", "backlog")
    unpublished.add_metric([], backlog)
    events = CounterMetricFamily("hardship_events_relayed", "relayed")
    events.add_metric([], relayed)
    return exposition(Families([unpublished, events, *extra]))


def test_families_of_the_same_name_become_one_with_a_sample_per_service():
    sms = GaugeMetricFamily("hardship_sms_messages", "SMS by status", labels=["status"])
    sms.add_metric(["sent"], 4)
    text = exposition(
        Families(
            merged(
                [
                    with_service_label(service_text(2, 10), "aid"),
                    with_service_label(service_text(0, 7, [sms]), "notify"),
                ]
            )
        )
    )

    assert text.count("# TYPE hardship_outbox_unpublished gauge") == 1
    assert text.count("# TYPE hardship_events_relayed_total counter") == 1
    samples = {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }
    assert samples == {
        ("hardship_outbox_unpublished", (("service", "aid"),)): 2,
        ("hardship_outbox_unpublished", (("service", "notify"),)): 0,
        ("hardship_events_relayed_total", (("service", "aid"),)): 10,
        ("hardship_events_relayed_total", (("service", "notify"),)): 7,
        ("hardship_sms_messages", (("service", "notify"), ("status", "sent"))): 4,
    }
