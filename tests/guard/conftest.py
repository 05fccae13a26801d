import functools
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from exercises.loader import ExerciseSpec, load_exercise, load_exercises
from tests import sandbox_uids
from tutor.guard import GuardContext, RunCode, sandbox_runner
from tutor.sandbox import Limits, SandboxConfig

ROOT = Path(__file__).resolve().parents[2]
CURRICULUM = ROOT / "exercises" / "curriculum"
ADD_TWO = ROOT / "tests" / "fixtures" / "native" / "add-two"
FIRST_UID = sandbox_uids.GUARD
GUARD_LIMITS = Limits(time_seconds=3)


def context_for(spec: ExerciseSpec, student_code: str | None = None) -> GuardContext:
    """The guard's view of an exercise; the student's code is the starter unless given."""
    return GuardContext(
        solution_code=spec.solution_code,
        hidden_tests=[(t.filename, t.code) for t in spec.hidden_tests],
        visible_tests=[(t.filename, t.code) for t in spec.visible_tests],
        student_code=spec.starter_code if student_code is None else student_code,
        starter_code=spec.starter_code,
        statement=spec.statement_md,
        module_name=spec.module,
        language=spec.language,
    )


@functools.cache
def exercises() -> dict[str, ExerciseSpec]:
    report = load_exercises(CURRICULUM)
    assert not report.errors, report.errors
    specs = {spec.slug: spec for spec in report.exercises}
    specs["add-two"] = load_exercise(ADD_TWO)
    return specs


class CountingRunner:
    """The real sandbox runner, remembering answers (the same code always gets the same one,
    which keeps streaming the same reply many times fast) and counting real runs."""

    def __init__(self, run_code: RunCode) -> None:
        self._run_code = run_code
        self._answers: dict[str, bool] = {}
        self.runs = 0

    def __call__(self, code: str, seconds: float | None = None) -> bool:
        # The guard's own per-run limit (0.5 s) is left out: on a loaded CI machine a real run
        # can take longer, and these tests are about which code is found and run, not timing
        # (the time budget is tested with a fake sandbox in test_shapes.py).
        del seconds
        if code not in self._answers:
            self.runs += 1
            self._answers[code] = self._run_code(code, None)
        return self._answers[code]


@pytest.fixture(scope="session")
def guard_sandbox_config(tmp_path_factory: pytest.TempPathFactory) -> SandboxConfig:
    lock_dir = tmp_path_factory.mktemp("guard-sandbox-locks")
    os.chmod(lock_dir, 0o700)
    return SandboxConfig(slots=2, lock_dir=str(lock_dir), first_uid=FIRST_UID)


@pytest.fixture(scope="session")
def runner_for(
    guard_sandbox_config: SandboxConfig,
) -> Callable[[GuardContext], CountingRunner]:
    """runner_for(context): a run_code over the real sandbox, one per context for the session."""
    runners: dict[GuardContext, CountingRunner] = {}

    def get(context: GuardContext) -> CountingRunner:
        if context not in runners:
            real = sandbox_runner(context, GUARD_LIMITS, guard_sandbox_config)
            runners[context] = CountingRunner(real)
        return runners[context]

    return get
