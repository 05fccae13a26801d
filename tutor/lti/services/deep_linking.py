"""Deep linking: the exercises a teacher picked, as LTI resource links with a grade column."""

from pylti1p3.deep_link_resource import DeepLinkResource

from exercises.models import Exercise
from tutor.lti.services.grades import line_item_for
from tutor.lti.services.launch import EXERCISE_PARAMETER


def deep_link_resources(exercises: list[Exercise], *, launch_url: str) -> list[DeepLinkResource]:
    return [
        DeepLinkResource()
        .set_url(launch_url)
        .set_title(exercise.title)
        .set_custom_params({EXERCISE_PARAMETER: exercise.slug})
        .set_lineitem(line_item_for(exercise))
        for exercise in exercises
    ]
