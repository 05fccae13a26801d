"""Where a verified launch from the LMS arrives: the account, the course, the exercise.

django-lti has verified the id_token (signature against the platform's JWKS, issuer, audience,
expiry, nonce, state, deployment) and stored the LMS user, course and membership before this
runs (lti_tool.utils.sync_data_from_launch).
"""

from dataclasses import dataclass

from django.urls import reverse
from lti_tool.models import LtiLaunch

from exercises.models import Exercise
from tutor.lti.services.members import Place, account_for, course_for, place

# The custom parameter a deep-linked LabTutor activity carries (LTI custom claim).
EXERCISE_PARAMETER = "labtutor_exercise"


@dataclass(frozen=True)
class Arrival:
    place: Place
    exercise: Exercise | None

    @property
    def url(self) -> str:
        if self.exercise is not None:
            return reverse("exercises:detail", args=[self.exercise.slug])
        if self.place.teaches:
            return reverse("courses:detail", args=[self.place.course.slug])
        return reverse("exercises:list")


def arrive(lti_launch: LtiLaunch) -> Arrival:
    user = account_for(lti_launch.user)
    course = course_for(lti_launch.context)
    where = place(user, course, lti_launch.membership)
    return Arrival(place=where, exercise=launched_exercise(lti_launch))


def launched_exercise(lti_launch: LtiLaunch) -> Exercise | None:
    slug = lti_launch.get_custom_claim(EXERCISE_PARAMETER)
    if not slug:
        return None
    return Exercise.objects.filter(slug=str(slug)).first()
