"""API authentication: the browser session, or a bearer token issued by ``create_api_token``."""

from django.utils import timezone
from ninja.security import HttpBearer, django_auth

from core.models import ApiToken


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        found = (
            ApiToken.objects.select_related("user")
            .filter(digest=ApiToken.hash(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if found is None:
            return None
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        request.user = found.user
        return found.user


API_AUTH = [TokenAuth(), django_auth]
