"""Sending a file in parts (shared/upload_parts.py) and reading a request body within its limit (gateway/http.py)."""

import base64
import io

import pytest

from services.gateway.http import BoundedBody
from shared.errors import ServiceError
from shared.upload_parts import PART_BYTES, send_parts


class Trickle(io.RawIOBase):
    """A stream that gives at most `step` bytes a read, as a socket or a chunked body does."""

    def __init__(self, content: bytes, step: int):
        self.source, self.step = io.BytesIO(content), step

    def readable(self):
        return True

    def read(self, size=-1):
        return self.source.read(self.step if size < 0 else min(size, self.step))


class Request:
    def __init__(self, content: bytes, declared: bool = True):
        self.stream = Trickle(content, 64 * 1024)
        self.content_length = len(content) if declared else None


def sent(stream) -> list[tuple[int, bytes]]:
    parts = []
    count = send_parts(
        lambda import_id, seq, content_b64: parts.append((seq, base64.b64decode(content_b64))), "id", stream
    )
    assert count == len(parts)
    return parts


def test_short_reads_still_make_whole_parts_in_order():
    content = bytes(range(256)) * (10 * PART_BYTES // 256) + b"tail"
    parts = sent(Trickle(content, 64 * 1024 + 7))
    assert [seq for seq, _ in parts] == list(range(11))
    assert all(len(part) == PART_BYTES for _, part in parts[:-1]) and parts[-1][1] == b"tail"
    assert b"".join(part for _, part in parts) == content


def test_an_empty_stream_sends_nothing():
    assert sent(io.BytesIO(b"")) == []


@pytest.mark.parametrize("declared", [True, False])
def test_a_body_at_the_limit_is_read_whole(declared):
    content = b"x" * (2 * PART_BYTES)
    assert b"".join(part for _, part in sent(BoundedBody(Request(content, declared), len(content)))) == content
    assert BoundedBody(Request(content, declared), len(content)).read() == content


def test_a_declared_length_over_the_limit_is_refused_before_reading():
    request = Request(b"x" * 11)
    with pytest.raises(ServiceError) as refused:
        BoundedBody(request, 10)
    assert refused.value.status == 413 and request.stream.source.tell() == 0


def test_a_body_without_a_declared_length_is_refused_one_byte_past_the_limit():
    request = Request(b"x" * (3 * PART_BYTES), declared=False)
    with pytest.raises(ServiceError) as refused:
        sent(BoundedBody(request, 2 * PART_BYTES))
    assert refused.value.status == 413 and request.stream.source.tell() == 2 * PART_BYTES + 1
