"""Every refusal of the API as one documented shape: a problem with its code, message and places.

::

    400 bad_request     the body is not JSON, or not an object
    401 unauthorized    no session and no valid bearer token (a revoked token included)
    403 forbidden       the user's roles do not allow it here (the reason says which); a CSRF failure
    404 not_found       no such object, or one the user may not see (the API does not say which)
    409 conflict        the workflow does not allow the move now, or someone else moved first
    422 invalid         the input is wrong: every problem, each at its place (["body", "answers", "age"])

Domain errors (:mod:`cadre.web.errors`) map onto these exactly as the pages map them.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from cadre.web.errors import Conflict, DomainError, Forbidden, IllegalMove, Invalid

__all__ = ["ERRORS", "Place", "Problem", "ProblemError", "install"]


class Place(Schema):
    """One problem and where it is: ``["body", "answers", "age"]``, ``["query", "page"]``, or ``[]``."""

    place: list[str | int]
    message: str


class Problem(Schema):
    """A refusal: HTTP status, a stable code, the reason in words, and every problem at its place."""

    status: int
    code: str
    message: str
    problems: list[Place] = Field(default_factory=list)


#: The error responses every endpoint documents (401 and 403 everywhere: every endpoint needs a user).
ERRORS: dict[int, Any] = {400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem, 422: Problem}
_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
          409: "conflict", 422: "invalid", 429: "throttled"}


class ProblemError(Exception):
    """Raised by an endpoint to answer with a problem whose places it knows (a bad field of the body)."""

    def __init__(self, status: int, message: str, problems: list[tuple[list[str | int], str]] = ()) -> None:  # type: ignore[assignment]
        super().__init__(message)
        self.status, self.message, self.problems = status, message, list(problems)


def _answer(api: NinjaAPI, request: HttpRequest, status: int, message: str,
            problems: list[tuple[list[str | int], str]] = ()) -> HttpResponse:  # type: ignore[assignment]
    body = {"status": status, "code": _CODES.get(status, "error"), "message": message,
            "problems": [{"place": place, "message": text} for place, text in problems]}
    return api.create_response(request, body, status=status)


def _domain_status(error: DomainError) -> int:
    if isinstance(error, Forbidden):
        return 403
    if isinstance(error, IllegalMove | Conflict):
        return 409
    return 422


def _places(error: DomainError, prefix: list[str | int]) -> list[tuple[list[str | int], str]]:
    """An Invalid's problems, each at its place when it names a field (``"age: below the minimum"``)."""
    if not isinstance(error, Invalid):
        return []
    out: list[tuple[list[str | int], str]] = []
    for text in error.problems:
        head, sep, rest = str(text).partition(": ")
        named = sep and head and " " not in head and head != "-"
        out.append(([*prefix, head], rest) if named else (list(prefix), str(text)))
    return out


def domain_problem(error: DomainError, prefix: list[str | int] = ()) -> ProblemError:  # type: ignore[assignment]
    """A domain error as a :class:`ProblemError`, Invalid's problems placed under ``prefix``."""
    reason = error.reason.split(": ")[0] if isinstance(error, Invalid) and error.problems else error.reason
    return ProblemError(_domain_status(error), reason, _places(error, list(prefix)))


def install(api: NinjaAPI) -> None:
    """Register the handlers that turn every refusal into a :class:`Problem`."""

    @api.exception_handler(ProblemError)
    def _problem(request: HttpRequest, exc: ProblemError) -> HttpResponse:
        return _answer(api, request, exc.status, exc.message, exc.problems)

    @api.exception_handler(DomainError)
    def _domain(request: HttpRequest, exc: DomainError) -> HttpResponse:
        problem = domain_problem(exc, ["body"])
        return _answer(api, request, problem.status, problem.message, problem.problems)

    @api.exception_handler(ValidationError)
    def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        problems = [([p for p in error.get("loc", ()) if p != "payload"], str(error.get("msg", "")))
                    for error in exc.errors]
        return _answer(api, request, 422, _("the request has problems"), problems)

    @api.exception_handler(AuthenticationError)
    def _unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = _answer(api, request, 401, _("sign in, or send a valid API token: Authorization: Bearer <token>"))
        response["WWW-Authenticate"] = 'Bearer realm="cadre"'
        return response

    @api.exception_handler(HttpError)
    def _http(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return _answer(api, request, exc.status_code, str(exc))

    @api.exception_handler(ObjectDoesNotExist)
    def _missing(request: HttpRequest, exc: ObjectDoesNotExist) -> HttpResponse:
        return _answer(api, request, 404, _("no such object, or not one you may see"))

    @api.exception_handler(Http404)
    def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return _answer(api, request, 404, str(exc) or _("not found"))
