"""The API of the union tree (帮扶中心网络): the units of the caller's subtree, which the registry keeps."""

from dataclasses import dataclass

from services.gateway import units
from services.gateway.auth import STAFF
from services.gateway.backends import Backend
from services.gateway.bodies import Bodies
from services.gateway.http import json_response, query_args
from services.gateway.routes import BACKEND, JSON_BODY, Area
from services.registry.answers import OrgUnitPageSchema, OrgUnitSchema
from services.registry.schemas import OrgUnitChangeSchema, OrgUnitCreateSchema
from shared.schemas import PagedQuerySchema


@dataclass(frozen=True)
class Uses:
    db: object
    registry: Backend
    bodies: Bodies


area = Area(Uses)
TAGS = ("组织机构",)
ADMIN = ("admin",)
IN_SCOPE = "只能看到和操作本人所属组织及其下级组织；范围外的组织与不存在的一样答复。"


@area.api(
    "POST",
    "/api/v1/org-units",
    roles=ADMIN,
    summary="新建下级工会组织",
    tags=TAGS,
    description="级别 national 全国、province 省级、city 市级、district 区县级、base 基层；下级的级别须低于上级（可跨级），"
    "级别不符 400（level）。同一上级下重名 409 duplicate_name。上级组织须在本人组织范围内，否则 400（parent_id）。",
    body=OrgUnitCreateSchema,
    responses={201: OrgUnitSchema},
    errors=JSON_BODY + (409,) + BACKEND,
)
def create_org_unit(uses: Uses, request, user):
    unit = uses.registry.call("create_org_unit", uses.bodies.json(request), user.org_unit_id)
    return json_response(units.kept(uses.db, unit), 201)


@area.api(
    "GET",
    "/api/v1/org-units",
    roles=STAFF,
    summary="本人组织范围内的工会组织（自上而下）",
    tags=TAGS,
    description="本人所属组织及其全部下级组织，每个带 parent_id，上级在前、同级按名称排列。",
    query=PagedQuerySchema,
    responses={200: OrgUnitPageSchema},
    errors=(400,) + BACKEND,
)
def list_org_units(uses: Uses, request, user):
    return json_response(uses.registry.call("list_org_units", query_args(request), user.org_unit_id))


@area.api(
    "GET",
    "/api/v1/org-units/<org_unit_id>",
    roles=STAFF,
    summary="查看一个工会组织",
    tags=TAGS,
    description=IN_SCOPE,
    responses={200: OrgUnitSchema},
    errors=(404,) + BACKEND,
)
def get_org_unit(uses: Uses, request, user, org_unit_id):
    return json_response(uses.registry.call("get_org_unit", org_unit_id, user.org_unit_id))


@area.api(
    "PATCH",
    "/api/v1/org-units/<org_unit_id>",
    roles=ADMIN,
    summary="更名或调整上级组织",
    tags=TAGS,
    description=IN_SCOPE + "更名不改变 org_unit_id，账号照常使用。已有下级组织、职工档案或导入记录的组织不能调整上级，"
    "也不能调到它自己的下级之下（409 conflict）；新的上级级别须更高（400 parent_id）；重名 409 duplicate_name。",
    body=OrgUnitChangeSchema,
    responses={200: OrgUnitSchema},
    errors=JSON_BODY + (404, 409) + BACKEND,
)
def change_org_unit(uses: Uses, request, user, org_unit_id):
    unit = uses.registry.call("change_org_unit", org_unit_id, uses.bodies.json(request), user.org_unit_id)
    return json_response(units.kept(uses.db, unit))
