"""Instructors' content pages: the exercise list with hide/show, importing, course AI policy."""
