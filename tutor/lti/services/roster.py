"""Roster sync: the LMS course's members (Names and Role Provisioning) into the LabTutor course."""

from dataclasses import dataclass

from django.utils import timezone
from lti_tool.models import LtiMembership, LtiUser
from pylti1p3.exception import LtiException, LtiServiceException
from pylti1p3.names_roles import NamesRolesProvisioningService

from tutor.lti.models import LinkedCourse
from tutor.lti.services.members import account_for, place
from tutor.lti.services.platform import connector


class RosterUnavailable(Exception):
    """The LMS did not give the roster; the message says why, for the teacher."""


@dataclass(frozen=True)
class RosterSync:
    members: int
    students: int
    teachers: int
    inactive: int


def sync_roster(link: LinkedCourse) -> RosterSync:
    """Reads every member of the LMS course and gives each an account in the LabTutor course.

    Members the LMS marks Inactive are recorded but not enrolled; nobody is unenrolled (their
    work stays; a teacher removes a student by hand).
    """
    context = link.context
    if not context.memberships_url:
        raise RosterUnavailable(
            "The LMS has not offered its roster service for this course: enable Names and "
            "Role Provisioning for the tool in the LMS, then launch LabTutor from the course once."
        )
    service = NamesRolesProvisioningService(
        connector(context.deployment.registration),
        {"context_memberships_url": context.memberships_url},
    )
    try:
        members = service.get_members()
    except (LtiException, LtiServiceException, OSError) as error:
        raise RosterUnavailable(f"The LMS did not answer with the roster: {error}") from error
    context.update_memberships(list(members))
    students = teachers = inactive = 0
    for membership in LtiMembership.objects.filter(context=context).select_related("user"):
        if not membership.is_active:
            inactive += 1
            continue
        where = place(account_for(_fresh(membership.user)), link.course, membership)
        teachers += where.teaches
        students += not where.teaches
    link.roster_synced_at = timezone.now()
    link.save(update_fields=["roster_synced_at"])
    return RosterSync(members=len(members), students=students, teachers=teachers, inactive=inactive)


def _fresh(user: LtiUser) -> LtiUser:
    return LtiUser.objects.select_related("auth_user").get(pk=user.pk)
