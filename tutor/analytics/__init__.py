"""Analytics for a course's instructors: per exercise, per student, and the gradebook.

Definitions shared by every page live in tutor/analytics/selectors/progress.py; the scoring
rule of the gradebook in tutor/analytics/selectors/gradebook.py.
"""
