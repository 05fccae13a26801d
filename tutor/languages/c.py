import re

from tutor.languages.descriptor import ErrorLines, LanguageDescriptor

C_ERRORS = ErrorLines(
    # gcc: "file:line[:column]: [fatal ]error: message".
    compile_error=re.compile(
        r"^(?:.*/)?(?P<file>[\w.+-]+):(?P<line>\d+):(?:(?P<column>\d+):)? (?:fatal )?error: "
        r"(?P<message>.*)$"
    ),
    # A sanitizer's report ("#0 0x55d1 in main /tmp/work/sum.c:7:12") or gcc -g's frames.
    stack_frame=re.compile(r"\bin \S+ (?:.*/)?(?P<file>[\w.+-]+\.[ch]):(?P<line>\d+)(?::\d+)?"),
)
WHOLE_C_PROGRAM = re.compile(r"\bmain\s*\(")


def c_descriptor(name: str) -> LanguageDescriptor:
    return LanguageDescriptor(
        name=name,
        display_name="C",
        suffixes=(".c", ".h"),
        grader="program",
        editor_mode="cpp",
        lexer="c",
        errors=C_ERRORS,
        completion_header="// {name}\n",
        whole_program=WHOLE_C_PROGRAM,
    )


# "c" builds with gcc -std=c11, "c99" with -std=c99 (Exercism's C track).
C11 = c_descriptor("c")
C99 = c_descriptor("c99")
