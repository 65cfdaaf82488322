from django.conf import settings
from django.http import HttpRequest


def branding(request: HttpRequest) -> dict[str, object]:
    return {"company_name": settings.ATIENDE_COMPANY_NAME}
