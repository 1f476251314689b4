"""The API about itself: its OpenAPI document, the page that shows it, and the answer to a path it does not have."""

from dataclasses import dataclass

from werkzeug.wrappers import Response

from services.gateway import api_schemas as answers
from services.gateway.docs_page import render
from services.gateway.http import json_response
from services.gateway.routes import Area
from shared.errors import ServiceError


@dataclass(frozen=True)
class Uses:
    openapi: dict


area = Area(Uses)
TAGS = ("运维与文档",)


@area.api(
    "GET",
    "/api/v1/openapi.json",
    summary="本 API 的 OpenAPI 3 文档",
    tags=TAGS,
    responses={200: answers.OPENAPI_DOCUMENT},
)
def openapi_json(uses: Uses, request, _user):
    return json_response(uses.openapi)


@area.api(
    "GET",
    "/api/v1/docs",
    summary="本 API 的说明页（HTML）",
    tags=TAGS,
    responses={200: answers.HTML_PAGE},
)
def api_docs(uses: Uses, request, _user):
    return Response(render(uses.openapi), 200, mimetype="text/html")


@area.api("GET,POST,PUT,PATCH,DELETE", "/api/<path:path>", hidden=True)
def unknown_route(uses: Uses, request, _user, path):
    raise ServiceError("not_found", "没有这个接口", 404)
