"""The web server's access log: method, path and status, never the query string.

Query strings carry secrets and personal data: SMS receipt tokens (`?token=`), the last four digits of
an ID number (`?id_last4=`), ID-number lookups. The request line is cut to its path once it is parsed,
so every line eventlet writes about the request has the path only, and the standard library's own
messages about a malformed request (which quote the raw line) go to the same logger, cut the same way.
"""

import re

from nameko.web.server import HttpOnlyProtocol, WebServer

_QUERY = re.compile(r"\?[^\s'\"]*")


def without_query(text: str) -> str:
    """'GET /api/v1/x?token=abc HTTP/1.1' -> 'GET /api/v1/x HTTP/1.1'."""
    return _QUERY.sub("", text)


class PathOnlyProtocol(HttpOnlyProtocol):
    def parse_request(self):
        parsed = super().parse_request()
        self.requestline = without_query(self.requestline)
        return parsed

    def log_message(self, format, *args):
        self.server.log.info("%s %s", self.address_string(), without_query(format % args))


class PathOnlyWebServer(WebServer):
    def get_wsgi_server(self, sock, wsgi_app, protocol=PathOnlyProtocol, debug=False):
        return super().get_wsgi_server(sock, wsgi_app, protocol=protocol, debug=debug)
