from ninja import NinjaAPI

from commendation.api import router as commendation_router
from core.api_auth import API_AUTH
from core.exceptions import RuleViolation
from emulation.api import router as emulation_router
from organizations.api import router as organizations_router

api = NinjaAPI(
    title="Thi Đua API",
    version="1",
    description="Công tác thi đua, khen thưởng Ngành Tổ chức xây dựng Đảng.",
    auth=API_AUTH,
    urls_namespace="api",
)


@api.exception_handler(RuleViolation)
def rule_violation(request, exc: RuleViolation):
    return api.create_response(request, {"detail": exc.message, "field": exc.field}, status=422)


api.add_router("/", organizations_router)
api.add_router("/emulation/", emulation_router)
api.add_router("/commendation/", commendation_router)
