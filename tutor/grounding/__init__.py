"""Grounding hints in what the student's code did: localisation, evidence summaries, mutants,
failure signatures.

Plain Python, no Django. It reads stored results (RunResult.to_dict(), the evidence inside each
visible test) and never trusts them: every value came out of the student's sandbox.
"""
