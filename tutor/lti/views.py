"""The tool's endpoints the LMS calls (OIDC login, launch, JWKS) and the deep-linking picker.

Thin: django-lti and pylti1p3 verify the messages; tutor/lti/services decide where a launch
arrives. A launch that cannot be verified (forged or expired token, unknown platform or
deployment, replayed state) is refused with a page that says so, never half-accepted.
"""

from typing import Any
from urllib.parse import urlsplit

from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from lti_tool.constants import SESSION_KEY
from lti_tool.models import Key, LtiLaunch
from lti_tool.utils import DjangoToolConfig, get_launch_from_request
from lti_tool.views import LtiLaunchBaseView
from pylti1p3.contrib.django import DjangoCacheDataStorage, DjangoOIDCLogin
from pylti1p3.exception import LtiException

from exercises.models import Exercise
from tutor.courses.access import is_course_instructor
from tutor.lti.services.deep_linking import deep_link_resources
from tutor.lti.services.launch import arrive
from tutor.lti.services.members import course_for
from tutor.lti.services.platform import ensure_tool_key

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def refused(request: HttpRequest, reason: str, status: int = 403) -> HttpResponse:
    return render(request, "lti/refused.html", {"reason": reason}, status=status)


@require_GET
def jwks_view(request: HttpRequest) -> JsonResponse:
    """The tool's public keys, which the LMS checks the tool's signatures with."""
    ensure_tool_key()
    return JsonResponse(Key.objects.as_jwks())


@method_decorator(csrf_exempt, name="dispatch")
class LoginView(View):
    """OIDC third-party initiated login: the LMS sends the browser here first."""

    def get(self, request: HttpRequest, registration_uuid: Any = None) -> HttpResponse:
        return self.login(request, request.GET, registration_uuid)

    def post(self, request: HttpRequest, registration_uuid: Any = None) -> HttpResponse:
        return self.login(request, request.POST, registration_uuid)

    def login(self, request: HttpRequest, params: Any, registration_uuid: Any) -> HttpResponse:
        launch_path = reverse("lti:launch")
        target = params.get("target_link_uri", "")
        if urlsplit(target).path != launch_path:
            return refused(request, f"The LMS must launch {launch_path}, not {target!r}.", 400)
        ensure_tool_key()
        oidc = DjangoOIDCLogin(
            request,
            DjangoToolConfig(registration_uuid),
            launch_data_storage=DjangoCacheDataStorage(),
        )
        try:
            return oidc.redirect(target)
        except LtiException as error:
            return refused(request, f"This LMS is not registered with LabTutor: {error}", 400)


class LaunchView(LtiLaunchBaseView):
    """The launch: a resource link (a student or teacher opens an activity) or deep linking."""

    def post(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return super().post(request, *args, **kwargs)
        except LtiException as error:
            return refused(request, f"The launch could not be verified: {error}")

    def handle_resource_launch(self, request: Any, lti_launch: LtiLaunch) -> HttpResponse:
        arrival = arrive(lti_launch)
        login(request, arrival.place.user, backend=MODEL_BACKEND)
        return redirect(arrival.url)

    def handle_deep_linking_launch(self, request: Any, lti_launch: LtiLaunch) -> HttpResponse:
        arrival = arrive(lti_launch)
        if not arrival.place.teaches:
            return refused(request, "Only the course's teachers add LabTutor activities.")
        login(request, arrival.place.user, backend=MODEL_BACKEND)
        exercises = Exercise.objects.filter(is_hidden=False).order_by("order", "title")
        return render(
            request,
            "lti/deep_link.html",
            {"course": arrival.place.course, "exercises": exercises},
        )


@require_POST
def deep_link_view(request: HttpRequest) -> HttpResponse:
    """The teacher's choice in the picker, sent back to the LMS as a signed response."""
    launch_id = request.session.get(SESSION_KEY)
    if not launch_id:
        return refused(request, "Start again from the LMS: this page was not opened by it.", 400)
    try:
        lti_launch = get_launch_from_request(request, launch_id)
    except LtiException as error:
        return refused(request, f"The LMS's request has expired; start again ({error}).", 400)
    if not lti_launch.is_deep_link_launch:
        return refused(request, "This launch did not ask for activities.", 400)
    course = course_for(lti_launch.context)
    if not is_course_instructor(request.user, course):
        return refused(request, "Only the course's teachers add LabTutor activities.")
    chosen = list(
        Exercise.objects.filter(slug__in=request.POST.getlist("exercise"), is_hidden=False)
    )
    if not chosen:
        return refused(request, "Choose at least one exercise.", 400)
    launch_url = request.build_absolute_uri(reverse("lti:launch"))
    return lti_launch.deep_link_response(deep_link_resources(chosen, launch_url=launch_url))
