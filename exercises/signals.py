"""Plug-in points of the exercise app: other apps connect here, the exercise app imports none.

submit_graded(sender=Submission, submission=...) is sent once a Submit's grading is stored and
committed (not for Runs, nor for a Submit the grader could not finish). Receivers must not
raise: they run in the grading worker after the student's result is saved.
"""

from django.dispatch import Signal

submit_graded = Signal()
