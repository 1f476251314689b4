"""The bank's upload file of a disbursement batch, as a download (API and console): full account numbers, for
finance only."""

import base64

from werkzeug.wrappers import Response

from services.gateway.backends import Backend


def bank_file(aid: Backend, batch_id: str, actor: str, scope: str | None) -> Response:
    """The file of a batch in the caller's scope (`scope`: their unit); one out of it is not found."""
    content = base64.b64decode(aid.call("disbursement_file", batch_id, actor, scope))
    return Response(
        content,
        200,
        headers={
            "Content-Type": "text/csv; charset=gb18030",
            "Content-Disposition": f'attachment; filename="batch-{batch_id}.csv"',
            "Cache-Control": "no-store",
        },
    )
