"""What the access log keeps of a request line: no query string, in any message that quotes it."""

from services.gateway.access_log import without_query


def test_query_strings_are_cut_from_request_lines_and_messages_that_quote_them():
    assert (
        without_query("GET /api/v1/sms/receipts/aliyun?token=s3cret HTTP/1.1")
        == "GET /api/v1/sms/receipts/aliyun HTTP/1.1"
    )
    assert without_query("Bad request syntax ('GET /x?id_last4=1234&a=b')") == "Bad request syntax ('GET /x')"
    assert without_query('"GET /x? HTTP/1.1" 200') == '"GET /x HTTP/1.1" 200'
    assert without_query("GET /api/v1/workers HTTP/1.1") == "GET /api/v1/workers HTTP/1.1"
