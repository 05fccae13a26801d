"""Languages graded as whole programs: C (gcc), Java (OpenJDK javac + java), JavaScript (node).

Each one says how to build the student's files inside the sandbox (a compile, or JavaScript's
syntax check), how to run what was built, and how to read the compiler's complaints. The runner
(tutor/sandbox/program_runner.py) does the rest, the same way for every language.
"""

import functools
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from tutor.sandbox.languages.python import _install_dirs_outside_usr, find_interpreter
from tutor.sandbox.models import Limits, SourceFile
from tutor.sandbox.native_tests import NativeFormat

MemoryRlimit = Literal["address_space", "data"]

# Inside the sandbox: the build writes here (the run's /tmp/work, kept between the compile and
# the runs), and each test case's fresh sandbox finds it read-only at PROGRAM_DIR.
BUILD_WORK_DIR = "/tmp/work"  # noqa: S108
BUILD_SUBDIR = ".build"
PROGRAM_DIR = "/opt/program"
DATA_FILE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}")
# What a compiler's complaint looks like: "file:line[:column]: error: message".
GCC_ERROR = re.compile(
    r"^(?:.*/)?(?P<file>[\w.+-]+):(?P<line>\d+):(?:(?P<column>\d+):)? (?:fatal )?error: "
    r"(?P<message>.*)$"
)
JAVAC_ERROR = re.compile(
    r"^(?:.*/)?(?P<file>[\w$.-]+\.java):(?P<line>\d+): error: (?P<message>.*)$"
)
PYTHON_LOCATION = re.compile(r'^File "(?:.*/)?(?P<file>[\w.-]+\.py)", line (?P<line>\d+)')
NODE_LOCATION = re.compile(r"^(?:.*/)?(?P<file>[\w.+-]+\.m?js):(?P<line>\d+)$")


@dataclass(frozen=True)
class Diagnostic:
    file: str
    line: int | None
    message: str


@dataclass(frozen=True)
class ProgramLanguage:
    """Shared behaviour; each language below fills in its commands."""

    name: str
    suffix: str
    memory_rlimit: MemoryRlimit = "address_space"
    # Threads count against RLIMIT_NPROC: a JVM starts a dozen before main().
    min_processes: int = 16
    # Host folders the toolchain reads besides /usr (Debian's JDK keeps its conf in /etc).
    host_paths: tuple[str, ...] = ()
    # "Compile" is a syntax check only: the run uses the sources themselves.
    interpreted: bool = False
    # How native unit tests report (tutor/sandbox/native_tests.py); None: cases only.
    native_format: NativeFormat | None = None

    def toolchain_paths(self) -> list[str]:
        return list(self.host_paths)

    def student_filename(self, module: str) -> str:
        return f"{module}{self.suffix}"

    def check_files(
        self, student_files: Sequence[SourceFile], other_files: Sequence[SourceFile]
    ) -> None:
        """Raise ValueError for unusable file names: the caller's mistake, not the student's."""
        if not student_files:
            raise ValueError("the student's code is missing")
        names = [file.name for file in [*student_files, *other_files]]
        for name in names:
            if not DATA_FILE_NAME.fullmatch(name) or name.startswith("."):
                raise ValueError(f"{name!r} is not a usable file name")
        if len(set(names)) != len(names):
            raise ValueError(f"file names must be unique, got {names}")
        if not student_files[0].name.endswith(self.suffix):
            raise ValueError(f"the student's file must end in {self.suffix}")

    def run_limits(self, limits: Limits) -> Limits:
        return replace(limits, processes=max(limits.processes, self.min_processes))

    def compile_limits(self, limits: Limits) -> Limits:
        """A compiler needs more than the program it builds; the time is the compile's own."""
        return replace(
            self.run_limits(limits),
            time_seconds=max(limits.time_seconds, 20.0),
            memory_mb=max(limits.memory_mb, 512),
            output_kb=64,
        )

    def compile_argv(self, sources: Sequence[str], limits: Limits) -> list[str]:
        raise NotImplementedError

    def run_argv(self, main_file: str, args: Sequence[str], limits: Limits) -> list[str]:
        raise NotImplementedError

    def native_argv(self, main_file: str, test_files: Sequence[str], limits: Limits) -> list[str]:
        """The program that runs the native unit tests (built with them, for C)."""
        return self.run_argv(main_file, (), limits)

    def diagnostics(self, output: str) -> list[Diagnostic]:
        return _matching_lines(output, GCC_ERROR)


@dataclass(frozen=True)
class CLanguage(ProgramLanguage):
    std: str = "c11"

    def compile_argv(self, sources: Sequence[str], limits: Limits) -> list[str]:
        c_files = [source for source in sources if source.endswith(".c")]
        return [
            _tool("/usr/bin/gcc"),
            f"-std={self.std}",
            "-O1",
            "-Wall",
            "-fdiagnostics-plain-output",
            "-I",
            BUILD_WORK_DIR,
            "-o",
            f"{BUILD_WORK_DIR}/{BUILD_SUBDIR}/program",
            *c_files,
            "-lm",
        ]

    def run_argv(self, main_file: str, args: Sequence[str], limits: Limits) -> list[str]:
        return [f"{PROGRAM_DIR}/{BUILD_SUBDIR}/program", *args]


# Debian's junit5 package: the JUnit 5 console launcher with Jupiter, in one jar.
JUNIT_JAR = "/usr/share/java/junit-platform-console-standalone.jar"


@dataclass(frozen=True)
class JavaLanguage(ProgramLanguage):
    # The JVM's code, metaspace and threads live beside its heap, inside the same RLIMIT_DATA.
    jvm_flags: tuple[str, ...] = (
        "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1",
        "-XX:CICompilerCount=1",
        "-XX:-UsePerfData",
        "-Xshare:auto",
    )

    def compile_argv(self, sources: Sequence[str], limits: Limits) -> list[str]:
        heap = max(64, limits.memory_mb // 2)
        return [
            _tool("/usr/bin/javac"),
            f"-J-Xmx{heap}m",
            *[f"-J{flag}" for flag in self.jvm_flags],
            "-encoding",
            "UTF-8",
            "-Xlint:none",
            # JUnit 5 for the native tests; harmless (and absent without junit5) otherwise.
            "-cp",
            _tool(JUNIT_JAR),
            "-d",
            f"{BUILD_WORK_DIR}/{BUILD_SUBDIR}",
            *sources,
        ]

    def run_argv(self, main_file: str, args: Sequence[str], limits: Limits) -> list[str]:
        heap = max(16, limits.memory_mb // 2)
        main_class = main_file.removesuffix(self.suffix)
        return [
            _tool("/usr/bin/java"),
            f"-Xmx{heap}m",
            "-Xss8m",
            *self.jvm_flags,
            "-cp",
            f"{PROGRAM_DIR}/{BUILD_SUBDIR}",
            main_class,
            *args,
        ]

    def native_argv(self, main_file: str, test_files: Sequence[str], limits: Limits) -> list[str]:
        heap = max(16, limits.memory_mb // 2)
        classes = [name.removesuffix(self.suffix) for name in test_files]
        return [
            _tool("/usr/bin/java"),
            f"-Xmx{heap}m",
            *self.jvm_flags,
            "-jar",
            _tool(JUNIT_JAR),
            "--class-path",
            f"{PROGRAM_DIR}/{BUILD_SUBDIR}",
            *[argument for name in classes for argument in ("--select-class", name)],
            "--details=tree",
            "--disable-banner",
            "--disable-ansi-colors",
        ]

    def diagnostics(self, output: str) -> list[Diagnostic]:
        return _matching_lines(output, JAVAC_ERROR)


@dataclass(frozen=True)
class JavaScriptLanguage(ProgramLanguage):
    def compile_argv(self, sources: Sequence[str], limits: Limits) -> list[str]:
        return [_tool("/usr/bin/node"), "--check", sources[0]]

    def run_argv(self, main_file: str, args: Sequence[str], limits: Limits) -> list[str]:
        heap = max(16, limits.memory_mb // 2)
        return [
            _tool("/usr/bin/node"),
            f"--max-old-space-size={heap}",
            "--stack-size=4000",
            f"{PROGRAM_DIR}/{main_file}",
            *args,
        ]

    def native_argv(self, main_file: str, test_files: Sequence[str], limits: Limits) -> list[str]:
        if len(test_files) != 1:
            raise ValueError("a JavaScript exercise has one node:test file")
        argv = self.run_argv(test_files[0], (), limits)
        return [argv[0], "--test-reporter=tap", *argv[1:]]

    def diagnostics(self, output: str) -> list[Diagnostic]:
        """node --check prints the place ("file.js:3"), the line, a caret, then the error."""
        lines = output.splitlines()
        for index, line in enumerate(lines):
            found = NODE_LOCATION.match(line.strip())
            if found is None:
                continue
            message = next(
                (later.strip() for later in lines[index + 1 :] if "Error" in later),
                "syntax error",
            )
            return [Diagnostic(found["file"], int(found["line"]), message)]
        return []


@dataclass(frozen=True)
class PythonProgram(ProgramLanguage):
    """Python graded by input/output cases, like the others (its unittest mode is python.py)."""

    def _interpreter(self) -> str:
        return find_interpreter(must_be_world_readable=True)

    def toolchain_paths(self) -> list[str]:
        return _install_dirs_outside_usr(self._interpreter())

    def compile_argv(self, sources: Sequence[str], limits: Limits) -> list[str]:
        check = "import sys; compile(open(sys.argv[1], 'rb').read(), sys.argv[1], 'exec')"
        return [self._interpreter(), "-S", "-B", "-c", check, sources[0]]

    def run_argv(self, main_file: str, args: Sequence[str], limits: Limits) -> list[str]:
        return [self._interpreter(), "-S", "-B", "-u", f"{PROGRAM_DIR}/{main_file}", *args]

    def diagnostics(self, output: str) -> list[Diagnostic]:
        lines = output.splitlines()
        for index, line in enumerate(lines):
            found = PYTHON_LOCATION.match(line.strip())
            if found is not None:
                message = next(
                    (later.strip() for later in lines[index + 1 :] if "Error" in later),
                    "syntax error",
                )
                return [Diagnostic(found["file"], int(found["line"]), message)]
        return []


@functools.cache
def _tool(path: str) -> str:
    """Where a tool really is: Debian reaches java and javac through /etc/alternatives, which
    the sandbox does not have."""
    return os.path.realpath(path)


def _matching_lines(output: str, pattern: re.Pattern[str]) -> list[Diagnostic]:
    found = []
    for line in output.splitlines():
        match = pattern.match(line.strip())
        if match is not None:
            found.append(Diagnostic(match["file"], int(match["line"]), match["message"].strip()))
    return found


C11 = CLanguage(name="c", suffix=".c", std="c11", native_format="unity")
C99 = CLanguage(name="c99", suffix=".c", std="c99", native_format="unity")
JAVA = JavaLanguage(
    name="java",
    suffix=".java",
    memory_rlimit="data",
    min_processes=64,
    host_paths=("/etc/java-17-openjdk",),
    native_format="junit",
)
JAVASCRIPT = JavaScriptLanguage(
    name="javascript",
    suffix=".js",
    memory_rlimit="data",
    min_processes=32,
    interpreted=True,
    native_format="tap",
)
PYTHON_PROGRAM = PythonProgram(name="python", suffix=".py", interpreted=True)
PROGRAM_LANGUAGES: dict[str, ProgramLanguage] = {
    language.name: language for language in (C11, C99, JAVA, JAVASCRIPT)
}


def get_program_language(name: str) -> ProgramLanguage | None:
    return PROGRAM_LANGUAGES.get(name)


def source_suffix(language: str) -> str:
    """The student's file suffix for an exercise language ("python" and unknown ones: .py)."""
    plugin = PROGRAM_LANGUAGES.get(language)
    return plugin.suffix if plugin is not None else ".py"


# What a whole program has, per language: only such code is worth running as the student's file.
WHOLE_PROGRAM = {
    "c": re.compile(r"\bmain\s*\("),
    "c99": re.compile(r"\bmain\s*\("),
    "java": re.compile(r"\bstatic\s+void\s+main\s*\("),
    # A script has no entry point: any code that reads its input or prints may be one.
    "javascript": re.compile(r"console\.log|process\.stdout|readFileSync|module\.exports"),
}


def looks_like_a_whole_program(language: str, code: str) -> bool:
    pattern = WHOLE_PROGRAM.get(language)
    return pattern is not None and pattern.search(code) is not None
