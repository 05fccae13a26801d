"""C, Java, JavaScript (and Python by input/output cases) through the real sandbox: compile,
run each case in a fresh sandbox, compare on the host."""

import os
from textwrap import dedent

import pytest

from tests import sandbox_uids
from tests.sandbox.conftest import FAST
from tutor.sandbox import Limits, RunResult, SandboxConfig, SourceFile, run_tests

# Its own uids, apart from the other sandbox tests' (tests/sandbox/conftest.py).
FIRST_UID = sandbox_uids.PROGRAMS
LIMITS = Limits(time_seconds=5, memory_mb=256, output_kb=16, tmp_size_mb=8, file_size_mb=4)

DOUBLER = {
    "c": (
        "solution.c",
        """
        #include <stdio.h>
        int main(void) {
            int n;
            if (scanf("%d", &n) != 1) return 2;
            printf("%d\\n", n * 2);
            return 0;
        }
        """,
    ),
    "java": (
        "Main.java",
        """
        import java.util.Scanner;
        public class Main {
            public static void main(String[] args) {
                Scanner in = new Scanner(System.in);
                System.out.println(in.nextInt() * 2);
            }
        }
        """,
    ),
    "javascript": (
        "solution.js",
        """
        const n = parseInt(require("fs").readFileSync(0, "utf8"), 10);
        console.log(n * 2);
        """,
    ),
    "python": ("solution.py", "print(int(input()) * 2)\n"),
}
# A mistake on line 3 of each: the editor marks that line.
BROKEN = {
    "c": ("solution.c", "#include <stdio.h>\nint main(void) {\n    return missing;\n}\n"),
    "java": (
        "Main.java",
        "public class Main {\n  public static void main(String[] a) {\n    int x = ;\n  }\n}\n",
    ),
    "javascript": ("solution.js", "const a = 1;\nfunction f() {\n  return ) 2;\n}\n"),
    "python": ("solution.py", "x = 1\ny = 2\ndef f(:\n    pass\n"),
}
CASES = """
[[case]]
name = "doubles 21"
stdin = "21\\n"
stdout = "42\\n"

[[case]]
name = "doubles -3"
stdin = "-3"
stdout = "-6   \\n\\n"
"""


@pytest.fixture(scope="module")
def sandbox_config(tmp_path_factory: pytest.TempPathFactory) -> SandboxConfig:
    lock_dir = tmp_path_factory.mktemp("program-test-locks")
    os.chmod(lock_dir, 0o700)
    return SandboxConfig(slots=1, lock_dir=str(lock_dir), first_uid=FIRST_UID)


LANGUAGES = [
    "c",
    pytest.param("java", marks=pytest.mark.slow),
    "javascript",
    "python",
]


def grade_program(
    config: SandboxConfig,
    language: str,
    program: tuple[str, str],
    cases: str = CASES,
    *,
    limits: Limits = LIMITS,
    data_files: tuple[SourceFile, ...] = (),
) -> RunResult:
    name, code = program
    return run_tests(
        language,
        [SourceFile(name, dedent(code))],
        [SourceFile("test_visible.toml", dedent(cases))],
        limits,
        unsafe=False,
        config=config,
        data_files=data_files,
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_right_program_passes_every_case(sandbox_config: SandboxConfig, language: str) -> None:
    result = grade_program(sandbox_config, language, DOUBLER[language])
    assert result.passed, result
    assert [test.name for test in result.tests] == ["doubles 21", "doubles -3"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_compile_error_names_file_and_line(sandbox_config: SandboxConfig, language: str) -> None:
    result = grade_program(sandbox_config, language, BROKEN[language])
    assert result.status == "compile_error"
    assert not result.passed
    name = BROKEN[language][0]
    assert result.message.startswith(f"{name} "), result.message
    assert "line 3" in result.message
    assert all(test.outcome == "error" and test.line == 3 for test in result.tests)
    # The compiler's own output, once: for the student and for "Explain this error".
    assert name in result.tests[0].traceback
    assert result.tests[1].traceback == ""


def test_a_wrong_answer_fails_with_the_first_difference(sandbox_config: SandboxConfig) -> None:
    program = ("solution.c", '#include <stdio.h>\nint main(void) { puts("41"); return 0; }\n')
    result = grade_program(sandbox_config, "c", program)
    assert result.status == "completed"
    first = result.tests[0]
    assert first.outcome == "failed"
    assert first.message == "line 1 of the output differs: expected '42', got '41'"
    assert first.expected == "42\n" and first.actual == "41\n"


def test_arguments_exit_code_data_files_and_tolerance(sandbox_config: SandboxConfig) -> None:
    program = (
        "solution.js",
        """
        const fs = require("fs");
        const words = fs.readFileSync("words.txt", "utf8").trim().split(/\\s+/);
        console.log(process.argv.slice(2).join("+"), words.length);
        console.log((1 / 3).toFixed(5));
        process.exit(3);
        """,
    )
    cases = """
    [[case]]
    name = "arguments and a data file"
    args = ["a", "b c"]
    stdout = "a+b c 4\\n0.33333\\n"
    exit_code = 3

    [[case]]
    name = "numbers within the tolerance"
    args = ["a", "b c"]
    stdout = "a+b c 4\\n0.3333\\n"
    exit_code = 3
    float_tolerance = 0.001

    [[case]]
    name = "numbers without a tolerance"
    args = ["a", "b c"]
    stdout = "a+b c 4\\n0.3333\\n"
    exit_code = 3

    [[case]]
    name = "the exit code counts"
    args = ["a", "b c"]
    stdout = "a+b c 4\\n0.33333\\n"
    """
    words = SourceFile("words.txt", "one two\nthree four\n")
    result = grade_program(sandbox_config, "javascript", program, cases, data_files=(words,))
    outcomes = [test.outcome for test in result.tests]
    assert outcomes == ["passed", "passed", "failed", "failed"], result
    assert "exited with code 3, not 0" in result.tests[3].message


def test_each_case_runs_in_a_fresh_sandbox_over_a_read_only_build(
    sandbox_config: SandboxConfig,
) -> None:
    program = (
        "solution.js",
        """
        const fs = require("fs");
        const seen = fs.existsSync("/tmp/mark") ? "seen" : "fresh";
        fs.writeFileSync("/tmp/mark", "x");
        let build = "read-only";
        try { fs.writeFileSync("/opt/program/solution.js", "x"); build = "written"; } catch {}
        console.log(seen, build);
        """,
    )
    cases = """
    [[case]]
    name = "first"
    stdout = "fresh read-only"
    [[case]]
    name = "second"
    stdout = "fresh read-only"
    """
    result = grade_program(sandbox_config, "javascript", program, cases)
    assert result.passed, result


def test_a_hidden_cases_expected_output_never_enters_the_sandbox(
    sandbox_config: SandboxConfig,
) -> None:
    """The program looks everywhere it can reach for the expected value: stdin, argv, its
    environment and every file under /tmp, /opt and its working folder."""
    program = (
        "solution.js",
        """
        const fs = require("fs"), path = require("path");
        const marker = ["HIDDEN", "EXPECTED"].join("-");  // not in this source as one word
        let found = [];
        function walk(dir) {
          let entries = [];
          try { entries = fs.readdirSync(dir, { withFileTypes: true }); } catch { return; }
          for (const e of entries) {
            const full = path.join(dir, e.name);
            if (e.isDirectory()) walk(full);
            else {
              try { if (fs.readFileSync(full, "latin1").includes(marker)) found.push(full); }
              catch {}
            }
          }
        }
        ["/tmp", "/opt", process.cwd()].forEach(walk);
        const stdin = fs.readFileSync(0, "latin1");
        const everything = stdin + process.argv.join(" ") + JSON.stringify(process.env);
        if (everything.includes(marker)) found.push("stdin/argv/env");
        console.log(found.length ? "found " + found.join(",") : "clean");
        """,
    )
    cases = """
    [[case]]
    name = "secret"
    stdin = "an input"
    stdout = "HIDDEN-EXPECTED-42"
    """
    result = grade_program(sandbox_config, "javascript", program, cases)
    assert result.tests[0].actual == "clean\n", result.tests[0]
    assert result.tests[0].outcome == "failed"


def test_a_crash_is_a_failed_case_with_its_signal(sandbox_config: SandboxConfig) -> None:
    program = ("solution.c", "int main(void) { int *p = 0; return *p; }\n")
    result = grade_program(sandbox_config, "c", program, limits=FAST)
    assert result.tests[0].outcome == "failed"
    assert result.tests[0].message == "the program crashed (killed by SIGSEGV)"


def test_c99_and_c11_follow_the_exercise(sandbox_config: SandboxConfig) -> None:
    program = (
        "solution.c",
        '#include <stdio.h>\nint main(void) { printf("%ld\\n", __STDC_VERSION__); }\n',
    )
    c11 = '[[case]]\nname = "standard"\nstdout = "201112"\n'
    c99 = '[[case]]\nname = "standard"\nstdout = "199901"\n'
    assert grade_program(sandbox_config, "c", program, c11).passed
    assert grade_program(sandbox_config, "c99", program, c99).passed
    assert not grade_program(sandbox_config, "c99", program, c11).passed


def test_the_same_code_is_compiled_once_for_run_and_submit(
    sandbox_config: SandboxConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tutor.sandbox import program_runner

    compiles: list[object] = []
    original = program_runner._compile

    def counting(*args: object, **kwargs: object) -> object:
        compiles.append(args)
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(program_runner, "_compile", counting)
    name, code = DOUBLER["c"]
    unique = (name, code + f"/* {os.getpid()} {id(compiles)} */\n")
    assert grade_program(sandbox_config, "c", unique).passed  # Run
    assert grade_program(sandbox_config, "c", unique).passed  # Submit: visible cases
    hidden = '[[case]]\nname = "hidden"\nstdin = "5"\nstdout = "10"\n'
    assert grade_program(sandbox_config, "c", unique, hidden).passed  # Submit: hidden cases
    assert len(compiles) == 1
    assert grade_program(sandbox_config, "c99", unique).passed  # another standard: compiled
    assert len(compiles) == 2


NODE_TESTS = """\
const test = require("node:test");
const assert = require("node:assert/strict");
const { add } = require("./solution.js");

test("adds small numbers", () => {
  assert.equal(add(1, 2), 3);
});

test("adds negative numbers", () => {
  assert.equal(add(-1, -2), -3);
});

test.skip("not yet", () => {});
"""


def grade_node(config: SandboxConfig, code: str) -> RunResult:
    return run_tests(
        "javascript",
        [SourceFile("solution.js", code)],
        [SourceFile("solution.test.js", NODE_TESTS)],
        LIMITS,
        unsafe=False,
        config=config,
    )


def test_node_test_files_report_each_test(sandbox_config: SandboxConfig) -> None:
    """node:test runs in the student's process (forgeable: such exercises are in_process)."""
    right = grade_node(sandbox_config, "module.exports = { add: (a, b) => a + b };\n")
    assert [(test.name, test.outcome) for test in right.tests] == [
        ("adds small numbers", "passed"),
        ("adds negative numbers", "passed"),
        ("not yet", "skipped"),
    ]
    assert right.passed  # the author's test.skip is left out of the verdict

    wrong = grade_node(sandbox_config, "module.exports = { add: (a, b) => a - b };\n")
    failed = wrong.tests[0]
    assert failed.outcome == "failed"
    assert "-1 !== 3" in failed.message
    assert failed.line == 5


def test_node_tests_that_never_report_are_errors(sandbox_config: SandboxConfig) -> None:
    result = grade_node(sandbox_config, "process.exit(0);\nmodule.exports = {};\n")
    assert [test.outcome for test in result.tests] == ["error", "error", "error"]
    assert result.tests[0].message.startswith("stopped: exit code 0 before this test reported")


JUNIT_TESTS = """\
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

class AdderTest {
    @Test
    void addsSmallNumbers() {
        assertEquals(3, Adder.add(1, 2));
    }

    @Test
    public void addsZero() {
        assertEquals(5, Adder.add(5, 0));
    }

    @Test
    @Disabled("later")
    void notYet() {
    }
}
"""


@pytest.mark.slow
def test_junit_tests_report_each_test(sandbox_config: SandboxConfig) -> None:
    """JUnit 5 (Debian's console launcher) runs in the student's JVM: forgeable, in_process."""

    def grade_junit(body: str) -> RunResult:
        return run_tests(
            "java",
            [SourceFile("Adder.java", f"public class Adder {{ {body} }}\n")],
            [SourceFile("AdderTest.java", JUNIT_TESTS)],
            LIMITS,
            unsafe=False,
            config=sandbox_config,
        )

    wrong = grade_junit("public static int add(int a, int b) { return a - b; }")
    assert [(test.name, test.outcome) for test in wrong.tests] == [
        ("addsSmallNumbers", "failed"),
        ("addsZero", "passed"),
        ("notYet", "skipped"),
    ], wrong
    assert wrong.tests[0].message == "expected: <3> but was: <-1>"
    right = grade_junit("public static int add(int a, int b) { return a + b; }")
    assert [test.outcome for test in right.tests] == ["passed", "passed", "skipped"]
