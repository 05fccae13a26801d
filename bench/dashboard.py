"""Dashboard speed: the live class view and the analytics pages over a seeded class.

    .venv/bin/python bench/dashboard.py [--students 40] [--exercises 30] [--submissions 20]
        [--small 10] [--requests 20] [--database-url postgresql://postgres@127.0.0.1:5432/x]

Seeds a throwaway database (a temporary SQLite file; with --database-url, a fresh test_<name>
database on that server, dropped at the end) with a class of S students x E exercises x N
submissions each (realistic result JSON: per-test outcomes, messages, tracebacks, timeouts,
syntax errors), AI requests and drafts, plus a second, smaller class of --small students. Then
requests each page through django.test.Client as the instructor (middleware, view and template,
all of it) and prints the median and p95 wall-clock time, the median CPU time of this process,
and the SQL queries of one request, for both classes: the counts must be the same. Goal: every
page under 300 ms, queries not growing with the class.
"""

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

GOAL_MS = 300
TESTS_PER_EXERCISE = 8
ERRORS = [
    ("TypeError", "unsupported operand type(s) for +: 'int' and 'str'"),
    ("NameError", "name 'total' is not defined"),
    ("IndexError", "list index out of range"),
    ("KeyError", "'name'"),
    ("ZeroDivisionError", "division by zero"),
    ("AttributeError", "'NoneType' object has no attribute 'append'"),
]


@dataclass(frozen=True)
class Page:
    name: str
    url: str


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--exercises", type=int, default=30)
    parser.add_argument("--submissions", type=int, default=20, help="per student and exercise")
    parser.add_argument("--small", type=int, default=10, help="students in the smaller class")
    parser.add_argument("--requests", type=int, default=20, help="timed requests per page")
    parser.add_argument("--database-url", default="", help="PostgreSQL server (default SQLite)")
    args = parser.parse_args()

    with private_django(args.database_url):
        from django.test.utils import override_settings

        # The pages' {% static %} tags without a collectstatic run: manifest lookups are
        # in memory in production anyway.
        plain_static = {
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
        with override_settings(STORAGES=plain_static, ALLOWED_HOSTS=["testserver"]):
            run(args)


@contextmanager
def private_django(database_url: str) -> Iterator[None]:
    """Django on a temporary SQLite file (or a test database on --database-url's server), with
    its own Redis key prefix for presence."""
    var = Path(tempfile.mkdtemp(prefix="labtutor-bench-dashboard-"))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "tutor.settings",
            "LABTUTOR_VAR_DIR": str(var),
            "LABTUTOR_STATIC_ROOT": str(var),
            "LABTUTOR_CHANNEL_PREFIX": "labtutor-bench-dashboard",
            "LABTUTOR_LOG_LEVEL": "WARNING",
        }
    )
    os.environ.setdefault("LABTUTOR_REDIS_URL", "redis://127.0.0.1:6379/11")
    if database_url:
        os.environ["LABTUTOR_DATABASE_URL"] = database_url
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from tutor.live.services import presence

    old_name = None
    try:
        if database_url:
            old_name = connection.settings_dict["NAME"]
            connection.creation.create_test_db(verbosity=0, autoclobber=True)
        else:
            call_command("migrate", verbosity=0)
        presence.forget_all()
        yield
    finally:
        presence.forget_all()
        if old_name is not None:
            connection.creation.destroy_test_db(old_name, verbosity=0)
        shutil.rmtree(var, ignore_errors=True)


def run(args: argparse.Namespace) -> None:
    from django.contrib.auth.models import User
    from django.test import Client

    from tutor.accounts.roles import make_instructor

    instructor = User.objects.create_user("bench-teacher", password="bench-teacher-pw")
    make_instructor(instructor)
    rng = random.Random(6)
    started = time.perf_counter()
    exercises = seed_exercises(args.exercises)
    big = seed_class("big", args.students, exercises, args.submissions, instructor, rng)
    small = seed_class("small", args.small, exercises, args.submissions, instructor, rng)
    analyze()
    print(
        f"seeded in {time.perf_counter() - started:.1f} s on {connection_vendor()}: "
        f"{args.students} + {args.small} students x {args.exercises} exercises x "
        f"{args.submissions} submissions; {count_rows()}"
    )
    client = Client()
    client.force_login(instructor)
    print(
        f"\nover {args.requests} requests each; goal: p95 under {GOAL_MS} ms\n"
        f"{'page':<24} {'median':>8} {'p95':>8} {'cpu':>8}  queries ({args.students} / "
        f"{args.small} students)"
    )
    slow = []
    for big_page, small_page in zip(pages(big, exercises), pages(small, exercises), strict=True):
        times, cpu = timed(client, big_page.url, args.requests)
        median, p95 = statistics.median(times), percentile(times, 95)
        big_queries, small_queries = queries(client, big_page.url), queries(client, small_page.url)
        same = "same" if big_queries == small_queries else "GROWS"
        verdict = "ok" if p95 < GOAL_MS else "SLOW"
        if verdict != "ok":
            slow.append(big_page.name)
        print(
            f"{big_page.name:<24} {median:6.1f}ms {p95:6.1f}ms {statistics.median(cpu):6.1f}ms  "
            f"{big_queries:>3} / {small_queries:<3} {same:<6} {verdict}"
        )
    print("\nall pages under the goal (p95)" if not slow else f"\nover the goal: {', '.join(slow)}")


def analyze() -> None:
    """PostgreSQL: statistics and the visibility map, as autovacuum keeps them after a bulk
    insert. SQLite is left as a lab server has it (no ANALYZE)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def pages(course: Any, exercises: list[Any]) -> list[Page]:
    from django.urls import reverse

    student_id = course.enrollments.order_by("student_id").first().student_id
    middle = exercises[len(exercises) // 2].slug
    return [
        Page("live class view", reverse("courses:live", args=[course.slug])),
        Page("analytics overview", reverse("analytics:overview", args=[course.slug])),
        Page(
            "analytics overview CSV",
            reverse("analytics:overview", args=[course.slug]) + "?format=csv",
        ),
        Page("exercise detail", reverse("analytics:exercise", args=[course.slug, middle])),
        Page("student timeline", reverse("analytics:student", args=[course.slug, student_id])),
        Page("gradebook", reverse("analytics:gradebook", args=[course.slug])),
        Page("gradebook CSV", reverse("analytics:gradebook", args=[course.slug]) + "?format=csv"),
    ]


def timed(client: Any, url: str, requests: int) -> tuple[list[float], list[float]]:
    """Wall-clock and this process's CPU milliseconds of each request. On a shared machine the
    wall clock also counts waiting for a core; the CPU time does not (nor the database server's
    work, with PostgreSQL)."""
    for _ in range(2):  # warm up: template loading, first connection
        check(client.get(url), url)
    walls, cpus = [], []
    for _ in range(requests):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        walls.append((time.perf_counter() - started) * 1000)
        cpus.append((time.process_time() - started_cpu) * 1000)
        check(response, url)
    return walls, cpus


def queries(client: Any, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        check(client.get(url), url)
    return len(captured)


def check(response: Any, url: str) -> None:
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")


def percentile(values: list[float], percent: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(percent / 100 * (len(ordered) - 1)))]


def connection_vendor() -> str:
    from django.db import connection

    return connection.vendor


def count_rows() -> str:
    from exercises.models import Draft, Submission
    from tutor.assist.models import AiRequest

    return (
        f"{Submission.objects.count()} submissions, {AiRequest.objects.count()} AI requests, "
        f"{Draft.objects.count()} drafts"
    )


# ---- Seeding --------------------------------------------------------------------------------


def seed_exercises(count: int) -> list[Any]:
    from exercises.models import Exercise

    exercises = [
        Exercise(
            slug=f"bench-{number:02d}",
            title=f"Exercise {number}: {topic}",
            topic=topic,
            difficulty=("easy", "medium", "hard")[number % 3],
            order=number,
            module=f"solution_{number:02d}",
            statement_md=f"Write `solve()` for exercise {number}.\n" * 5,
            starter_code="def solve(items):\n    pass\n",
            solution_code="def solve(items):\n    return sorted(items)\n",
            visible_tests=[{"filename": "test_visible.py", "code": "# visible tests\n" * 20}],
            hidden_tests=[{"filename": "test_hidden.py", "code": "# hidden tests\n" * 20}],
            hints=["Think about the empty list.", "Sort first.", "Return, don't print."],
            source_format="native",
            content_hash=f"{number:064d}",
            # One hidden exercise: it stays out of the tables unless someone worked on it.
            is_hidden=number == count - 1,
        )
        for number, topic in (
            (n, ("lists", "strings", "loops", "dicts")[n % 4]) for n in range(count)
        )
    ]
    Exercise.objects.bulk_create(exercises)
    return list(Exercise.objects.order_by("order"))


def seed_class(
    name: str,
    size: int,
    exercises: list[Any],
    submissions: int,
    instructor: Any,
    rng: random.Random,
) -> Any:
    from django.contrib.auth.models import User
    from django.utils import timezone

    from exercises.models import Draft, Submission
    from tutor.assist.models import AiRequest
    from tutor.courses.models import Enrollment
    from tutor.courses.services import create_course
    from tutor.live.services import presence

    course = create_course(
        f"Bench {name}", f"bench-{name}", instructors=[instructor], hint_penalty_percent=10
    )
    students = User.objects.bulk_create(
        User(username=f"{name}-{number:03d}", first_name="Student", last_name=f"{number:03d}")
        for number in range(size)
    )
    Enrollment.objects.bulk_create(Enrollment(course=course, student=s) for s in students)
    now = timezone.now()
    rows: list[Any] = []
    requests: list[Any] = []
    drafts: list[Any] = []
    for student in students:
        skill = rng.uniform(0.3, 1.0)
        for exercise in exercises:
            if exercise.is_hidden and rng.random() < 0.9:
                continue
            at = now - timedelta(days=rng.uniform(0, 20), minutes=rng.uniform(0, 600))
            progress = rng.uniform(0, 0.4)
            # Harder exercises (later ones) take more tries; some students never solve them.
            pace = skill * (1.2 - 0.3 * (exercise.order % 3))
            for number in range(submissions):
                at += timedelta(seconds=rng.uniform(20, 240))
                progress = min(1.0, progress + rng.uniform(0, 0.14) * pace)
                kind = "submit" if number % 4 == 3 or progress >= 1 else "run"
                rows.append(submission(student, exercise, kind, progress, at, rng))
                if rng.random() < 0.08:
                    requests.append(ai_request(student, exercise, at, rng))
            drafts.append(Draft(student=student, exercise=exercise, code="def solve(items):\n"))
    with explicit_times(Submission, AiRequest):
        Submission.objects.bulk_create(rows, batch_size=2000)
        AiRequest.objects.bulk_create(requests, batch_size=2000)
    Draft.objects.bulk_create(drafts, batch_size=2000)
    for student in students[::3]:  # a third of the class has an exercise page open
        presence.mark_online(student.pk, exercises[0].pk, f"bench-{student.pk}")
    return course


@contextmanager
def explicit_times(*models: Any) -> Iterator[None]:
    """bulk_create with the seeded created_at values: auto_now_add would overwrite them."""
    fields = [model._meta.get_field("created_at") for model in models]
    for field in fields:
        field.auto_now_add = False
    try:
        yield
    finally:
        for field in fields:
            field.auto_now_add = True


def submission(
    student: Any, exercise: Any, kind: str, progress: float, at: datetime, rng: random.Random
) -> Any:
    from exercises.models import Submission

    if rng.random() < 0.01:  # the grader could not run it
        return Submission(
            student=student,
            exercise=exercise,
            kind=kind,
            code=CODE,
            status="error",
            error_message="The grader cannot run code on this server: bwrap failed",
            created_at=at,
            finished_at=at + timedelta(seconds=1),
        )
    result = run_result(exercise, kind, progress, rng)
    tests = result["tests"]
    passed_count = sum(test["outcome"] == "passed" for test in tests)
    return Submission(
        student=student,
        exercise=exercise,
        kind=kind,
        code=CODE,
        status="done",
        result=result,
        passed=result["passed"],
        tests_passed=passed_count,
        tests_total=len(tests),
        grading_attempts=1,
        created_at=at,
        started_at=at + timedelta(milliseconds=300),
        finished_at=at + timedelta(seconds=1),
    )


CODE = (
    "def solve(items):\n"
    "    result = []\n"
    "    for item in items:\n"
    "        if item not in result:\n"
    "            result.append(item)\n"
    "    return sorted(result)\n"
)


def run_result(exercise: Any, kind: str, progress: float, rng: random.Random) -> dict[str, Any]:
    """A sandbox result as grading stores it: the visible tests, and the hidden ones on Submit."""
    count = TESTS_PER_EXERCISE if kind == "submit" else TESTS_PER_EXERCISE // 2
    roll = rng.random()
    status = "syntax_error" if roll < 0.05 else "timeout" if roll < 0.08 else "completed"
    error = rng.choice(ERRORS)
    tests = []
    for index in range(count):
        file = "test_visible.py" if index < TESTS_PER_EXERCISE // 2 else "test_hidden.py"
        name = f"SolveTest.test_case_{index + 1}"
        test = {
            "file": file,
            "name": name,
            "outcome": "passed",
            "message": "",
            "expected": None,
            "actual": None,
            "stdout": "",
            "stderr": "",
            "traceback": "",
            "line": None,
            "duration_ms": round(rng.uniform(0.1, 3.0), 3),
        }
        if status == "syntax_error":
            test.update(
                outcome="error",
                message=f"{exercise.module}.py has a syntax error on line 3: expected ':'",
                traceback=f'  File "{exercise.module}.py", line 3\n    for item in items\n'
                "                     ^\nSyntaxError: expected ':'",
                line=3,
            )
        elif status == "timeout" and index >= 2:
            test.update(
                outcome="error",
                message="stopped: the program ran past the 5 s time limit during this test"
                if index == 2
                else "not run: the program ran past the 5 s time limit before this test started",
            )
        elif rng.random() > progress:
            if rng.random() < 0.7:
                test.update(
                    outcome="failed",
                    message=f"AssertionError: [1, 2] != [1, 2, {index}]",
                    expected=f"[1, 2, {index}]",
                    actual="[1, 2]",
                    traceback=(
                        "Traceback (most recent call last):\n"
                        f'  File "{file}", line {10 + index}, in {name.split(".")[1]}\n'
                        f"    self.assertEqual(solve([2, 1, {index}]), [1, 2, {index}])\n"
                        f"AssertionError: [1, 2] != [1, 2, {index}]"
                    ),
                    line=5,
                )
            else:
                test.update(
                    outcome="error",
                    message=f"{error[0]}: {error[1]}",
                    traceback=(
                        "Traceback (most recent call last):\n"
                        f'  File "{file}", line {10 + index}, in {name.split(".")[1]}\n'
                        f"    solve([2, 1, {index}])\n"
                        f'  File "{exercise.module}.py", line 4, in solve\n'
                        "    if item not in result:\n"
                        f"{error[0]}: {error[1]}"
                    ),
                    line=4,
                )
            test["stdout"] = "debug: items = [2, 1]\n" if rng.random() < 0.3 else ""
        tests.append(test)
    passed = status == "completed" and all(test["outcome"] == "passed" for test in tests)
    failing = sum(test["outcome"] != "passed" for test in tests)
    return {
        "status": status,
        "tests": tests,
        "message": f"All {count} tests passed."
        if passed
        else f"{count - failing} of {count} tests passed; {failing} failed.",
        "stdout": "",
        "stderr": "",
        "duration_ms": round(rng.uniform(30, 200), 3),
        "exit_code": 0,
        "passed": passed,
        "hidden_files": ["test_hidden.py"],
    }


def ai_request(student: Any, exercise: Any, at: datetime, rng: random.Random) -> Any:
    from tutor.assist.models import AiRequest

    kind = "hint" if rng.random() < 0.7 else rng.choice(["explain_error", "review", "ask"])
    status = rng.choices(["done", "failed", "cancelled"], weights=[90, 5, 5])[0]
    return AiRequest(
        student=student,
        exercise=exercise,
        kind=kind,
        status=status,
        hint_level=rng.randint(1, 3) if kind == "hint" else None,
        context={"code": CODE, "error": "AssertionError: [1, 2] != [1, 2, 3]"},
        reply="Look at what happens to duplicates in your loop. " * 8,
        model_name="bench-model",
        prompt_tokens=420,
        completion_tokens=96,
        queue_wait_ms=40,
        first_token_ms=600,
        duration_ms=4200,
        finish_reason="stop",
        guard_verdict=rng.choices(["allow", "redact", "block"], weights=[85, 10, 5])[0],
        created_at=at + timedelta(seconds=5),
        started_at=at + timedelta(seconds=5),
        finished_at=at + timedelta(seconds=10),
    )


if __name__ == "__main__":
    main()
