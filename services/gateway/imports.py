"""A worker sheet uploaded through the gateway (API or console), passed on to the registry part by part."""

import uuid
from typing import NamedTuple

from services.gateway.auth import User
from services.gateway.backends import Backend
from services.gateway.bodies import Bodies, empty_upload
from services.registry.filenames import checked_filename
from shared.upload_parts import send_parts


class Upload(NamedTuple):
    """An upload stored in the registry's import parts, as registry.import_workers takes it (with the actor)."""

    import_id: str
    parts: int
    filename: str | None


def upload_to_registry(registry: Backend, bodies: Bodies, request) -> Upload:
    """Pass the uploaded file on to the registry part by part as it is read (shared/upload_parts.py).

    Parts of an upload refused or broken off on the way are dropped at once, or by the registry a day later
    should even that fail.
    """
    stream, filename = bodies.upload_stream(request)
    checked_filename(filename)  # refused before a part is sent
    import_id = uuid.uuid4().hex
    try:
        parts = send_parts(lambda *part: registry.call("add_import_part", *part), import_id, stream)
    except BaseException:
        registry.send("discard_import_parts", import_id)
        raise
    if not parts:
        raise empty_upload()
    return Upload(import_id, parts, filename)


def start_import(registry: Backend, upload: Upload, user: User) -> str:
    """Run an import in the background, in the user's scope; returns its import_id, whose progress can be asked for
    at once."""
    # Recorded before answering, so the progress is never a 404 for this import.
    registry.call("start_import", upload.import_id, upload.filename, user.actor, user.org_unit_id)
    registry.send("import_workers", *upload, user.actor, user.org_unit_id)
    return upload.import_id
