"""The API tokens page: a user makes and revokes their own bearer tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cadre.web.api.models import ApiToken
from cadre.web.api.selectors import token_list
from cadre.web.api.services import token_create, token_revoke
from cadre.web.errors import DomainError, Forbidden

_FRESH = "cadre_api_fresh_token"  # the new token, shown once on the next page and then forgotten


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    """The user's tokens; POST makes one (shown once, after the redirect)."""
    problems: list[str] = []
    name = ""
    if request.method == "POST":
        name = request.POST.get("name", "")
        try:
            token, raw = token_create(actor=request.user, name=name)
        except DomainError as error:
            problems = getattr(error, "problems", []) or [error.reason]
        else:
            request.session[_FRESH] = {"id": token.pk, "raw": raw}
            return redirect("api:tokens")
    fresh = request.session.pop(_FRESH, None)
    return render(request, "api/tokens.html", {
        "tokens": token_list(user=request.user), "fresh": fresh, "problems": problems, "name": name,
        "openapi_url": reverse("api:v1:openapi-json"), "docs_url": reverse("api:v1:openapi-view"),
        "base_url": request.build_absolute_uri("/api/v1/")}, status=422 if problems else 200)


@login_required
@require_POST
def revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    """Revoke one of the user's tokens (an unknown or another user's token: 403 with the reason)."""
    try:
        token = token_list(user=request.user).get(pk=token_id)
        token_revoke(actor=request.user, token=token)
    except ApiToken.DoesNotExist:
        return HttpResponseForbidden(_("no such token of yours"))
    except Forbidden as error:
        return HttpResponseForbidden(error.reason)
    except DomainError as error:
        messages.warning(request, error.reason)
    else:
        messages.success(request, _("Token %(name)s is revoked: it no longer opens the API.") % {"name": token.name})
    return redirect("api:tokens")
