"""The instructor's live class view: who is online, on which exercise, and who is stuck."""
