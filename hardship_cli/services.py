"""The service class each of our four services runs, by name: what `hardship run`, `hardship migrate`, the runner and
the parked-event tools start or look into. Here rather than in shared/, the kernel, which imports no service."""

import importlib

SERVICE_CLASSES = {
    "registry": "services.registry.service:RegistryService",
    "aid": "services.aid.service:AidService",
    "notify": "services.notify.service:NotifyService",
    "gateway": "services.gateway.service:GatewayService",
}


def service_class(name: str):
    """The class of the service of that name, imported when asked for (`hardship run` starts no service itself)."""
    module, _, attribute = SERVICE_CLASSES[name].partition(":")
    return getattr(importlib.import_module(module), attribute)
