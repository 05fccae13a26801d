"""Languages graded as whole programs: C (gcc), Java (OpenJDK javac + java), JavaScript (node).

Each one says how to build the student's files inside the sandbox (a compile, or JavaScript's
syntax check), how to run what was built, and how to read the compiler's complaints. The runner
(tutor/sandbox/program_runner.py) does the rest, the same way for every language.
"""

import functools
import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from tutor import languages
from tutor.languages import LanguageDescriptor
from tutor.sandbox.languages.python import _install_dirs_outside_usr, find_interpreter
from tutor.sandbox.models import Limits, SourceFile
from tutor.sandbox.native_tests import NativeFormat

MemoryRlimit = Literal["address_space", "data"]

# Inside the sandbox: the build writes here (the run's /tmp/work, kept between the compile and
# the runs), and each test case's fresh sandbox finds it read-only at PROGRAM_DIR.
BUILD_WORK_DIR = "/tmp/work"  # noqa: S108
BUILD_SUBDIR = ".build"
PROGRAM_DIR = "/opt/program"
# Jest and Babel for Exercism's JavaScript track: package.json here, `npm ci` at setup.
JEST_TOOLCHAIN = Path(__file__).resolve().parent.parent / "toolchains" / "jest"
JEST_SUFFIX = ".spec.js"
# Where the sandbox sees that node_modules: a fixed path, not the host's (a checkout under /tmp
# would be hidden by the sandbox's own /tmp), still named node_modules for node's module lookup.
JEST_IN_SANDBOX = "/opt/jest/node_modules"
DATA_FILE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}")


@dataclass(frozen=True)
class Diagnostic:
    file: str
    line: int | None
    message: str


@dataclass(frozen=True)
class ProgramLanguage:
    """Shared behaviour; each language below fills in its commands."""

    descriptor: LanguageDescriptor
    memory_rlimit: MemoryRlimit = "address_space"
    # Threads count against RLIMIT_NPROC: a JVM starts a dozen before main().
    min_processes: int = 16
    # Host folders the toolchain reads besides /usr (Debian's JDK keeps its conf in /etc).
    host_paths: tuple[str, ...] = ()
    # "Compile" is a syntax check only: the run uses the sources themselves.
    interpreted: bool = False
    # How native unit tests report (tutor/sandbox/native_tests.py); None: cases only.
    native_format: NativeFormat | None = None

    @property
    def name(self) -> str:
        return self.descriptor.name

    @property
    def suffix(self) -> str:
        return self.descriptor.suffix

    def toolchain_paths(self) -> list[str]:
        return list(self.host_paths)

    def toolchain_binds(self) -> list[tuple[str, str]]:
        """Host folders the tools need, each at its own place in the sandbox (read-only)."""
        return []

    def student_filename(self, module: str) -> str:
        return self.descriptor.student_filename(module)

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

    def native_format_for(self, test_files: Sequence[str]) -> NativeFormat | None:
        """How these native test files report (one language may have several frameworks)."""
        return self.native_format

    def diagnostics(self, output: str) -> list[Diagnostic]:
        """The build's complaints with their lines, read as the language's descriptor says."""
        errors = self.descriptor.errors
        if errors.compile_error is not None:
            return _matching_lines(output, errors.compile_error)
        if errors.located_at is not None:
            return _located_then_message(output, errors.located_at)
        return []


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


# Debian's junit5 package: the JUnit 5 console launcher with Jupiter, in one jar; and
# libassertj-core-java: AssertJ, which Exercism's Java track asserts with.
JUNIT_JAR = "/usr/share/java/junit-platform-console-standalone.jar"
ASSERTJ_JAR = "/usr/share/java/assertj-core.jar"


def java_test_class_path() -> str:
    """JUnit 5 and AssertJ for the native tests; harmless (and absent without them) otherwise."""
    return ":".join(_tool(jar) for jar in (JUNIT_JAR, ASSERTJ_JAR))


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
            "-cp",
            java_test_class_path(),
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
            f"{PROGRAM_DIR}/{BUILD_SUBDIR}:{_tool(ASSERTJ_JAR)}",
            *[argument for name in classes for argument in ("--select-class", name)],
            "--details=tree",
            "--disable-banner",
            "--disable-ansi-colors",
        ]


@dataclass(frozen=True)
class JavaScriptLanguage(ProgramLanguage):
    """node:test files (<module>.test.js, CommonJS) run with node's TAP reporter; Jest files
    (Exercism's <slug>.spec.js, ES modules through Babel) with the Jest installed at setup."""

    def toolchain_binds(self) -> list[tuple[str, str]]:
        jest = jest_dir()
        return [(jest, JEST_IN_SANDBOX)] if jest is not None else []

    def compile_argv(self, sources: Sequence[str], limits: Limits) -> list[str]:
        if any(source.endswith(JEST_SUFFIX) for source in sources):
            # Jest's files are ES modules (export/import), which node reads as such only when
            # told; Babel turns them into what Jest runs.
            return [
                _tool("/usr/bin/node"),
                "--experimental-default-type=module",
                "--check",
                sources[0],
            ]
        return [_tool("/usr/bin/node"), "--check", sources[0]]

    def native_format_for(self, test_files: Sequence[str]) -> NativeFormat | None:
        return "jest" if any(name.endswith(JEST_SUFFIX) for name in test_files) else "tap"

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
        if self.native_format_for(test_files) == "jest":
            return self.jest_argv(test_files, limits)
        if len(test_files) != 1:
            raise ValueError("a JavaScript exercise has one node:test file")
        argv = self.run_argv(test_files[0], (), limits)
        return [argv[0], "--test-reporter=tap", *argv[1:]]

    def jest_argv(self, test_files: Sequence[str], limits: Limits) -> list[str]:
        if jest_dir() is None:
            raise ValueError(
                f"Jest is not installed: run `npm ci` in {JEST_TOOLCHAIN} (scripts/run.sh does)"
            )
        jest = JEST_IN_SANDBOX
        heap = max(16, limits.memory_mb // 2)
        config = {
            "rootDir": PROGRAM_DIR,
            "transform": {
                r"\.m?js$": [
                    f"{jest}/babel-jest",
                    {
                        "presets": [
                            [f"{jest}/@babel/preset-env", {"targets": {"node": "current"}}]
                        ],
                        "babelrc": False,
                        "configFile": False,
                    },
                ]
            },
            # The tests import '@jest/globals' (and nothing else from npm).
            "modulePaths": [jest],
            "cacheDirectory": "/tmp/jest-cache",  # noqa: S108
            "watchman": False,
        }
        return [
            _tool("/usr/bin/node"),
            f"--max-old-space-size={heap}",
            "--stack-size=4000",
            f"{jest}/jest/bin/jest.js",
            "--ci",
            "--runInBand",
            "--json",
            "--testLocationInResults",
            "--config",
            json.dumps(config),
            *[f"{PROGRAM_DIR}/{name}" for name in test_files],
        ]


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


def jest_dir() -> str | None:
    """The node_modules folder holding Jest and Babel, installed at setup; None without it."""
    folder = os.environ.get("LABTUTOR_JEST_DIR") or str(JEST_TOOLCHAIN / "node_modules")
    return folder if os.path.isfile(f"{folder}/jest/bin/jest.js") else None


@functools.cache
def _tool(path: str) -> str:
    """Where a tool really is: Debian reaches java and javac through /etc/alternatives, which
    the sandbox does not have."""
    return os.path.realpath(path)


def _located_then_message(output: str, located_at: re.Pattern[str]) -> list[Diagnostic]:
    """A line that names the place ("file.js:3"), the error's message on a later line."""
    lines = output.splitlines()
    for index, line in enumerate(lines):
        found = located_at.match(line.strip())
        if found is not None:
            message = next(
                (later.strip() for later in lines[index + 1 :] if "Error" in later),
                "syntax error",
            )
            return [Diagnostic(found["file"], int(found["line"]), message)]
    return []


def _matching_lines(output: str, pattern: re.Pattern[str]) -> list[Diagnostic]:
    found = []
    for line in output.splitlines():
        match = pattern.match(line.strip())
        if match is not None:
            found.append(Diagnostic(match["file"], int(match["line"]), match["message"].strip()))
    return found


C11 = CLanguage(descriptor=languages.C11, std="c11", native_format="unity")
C99 = CLanguage(descriptor=languages.C99, std="c99", native_format="unity")
JAVA = JavaLanguage(
    descriptor=languages.JAVA,
    memory_rlimit="data",
    min_processes=64,
    host_paths=("/etc/java-17-openjdk",),
    native_format="junit",
)
JAVASCRIPT = JavaScriptLanguage(
    descriptor=languages.JAVASCRIPT,
    memory_rlimit="data",
    min_processes=32,
    interpreted=True,
    native_format="tap",
)
PYTHON_PROGRAM = PythonProgram(descriptor=languages.PYTHON, interpreted=True)
PROGRAM_LANGUAGES: dict[str, ProgramLanguage] = {
    language.name: language for language in (C11, C99, JAVA, JAVASCRIPT)
}


def get_program_language(name: str) -> ProgramLanguage | None:
    return PROGRAM_LANGUAGES.get(name)
