from django.apps import AppConfig


class LtiConfig(AppConfig):
    name = "tutor.lti"
    label = "labtutor_lti"
    verbose_name = "LMS (LTI 1.3)"

    def ready(self) -> None:
        # A graded Submit sends the student's new score to the LMS of each linked course.
        from exercises.signals import submit_graded
        from tutor.lti.services.grades import score_changed_on_submit

        submit_graded.connect(score_changed_on_submit, dispatch_uid="lti-grade-passback")
