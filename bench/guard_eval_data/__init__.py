"""Data for bench/guard_eval.py: correct solutions written unlike the reference, per exercise.

Each solutions_*.py module holds SOLUTIONS: {exercise slug: [source, ...]}. Every source
passes the exercise's visible and hidden tests (bench/guard_eval.py --verify checks it through
the sandbox) and is written differently from the reference solution: another loop, a
comprehension, recursion, a library call, another algorithm.
"""
