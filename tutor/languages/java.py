import re

from tutor.languages.descriptor import ErrorLines, LanguageDescriptor

JAVA = LanguageDescriptor(
    name="java",
    display_name="Java",
    suffixes=(".java",),
    grader="program",
    editor_mode="java",
    lexer="java",
    errors=ErrorLines(
        compile_error=re.compile(
            r"^(?:.*/)?(?P<file>[\w$.-]+\.java):(?P<line>\d+): error: (?P<message>.*)$"
        ),
        # "at Bob.hey(Bob.java:12)"; the JUnit console launcher leaves out the "at".
        stack_frame=re.compile(r"[\w$.<>/]+\((?P<file>[\w$-]+\.java):(?P<line>\d+)\)"),
    ),
    completion_header="// {name}\n",
    native_test_file="{module}Test.java",
    whole_program=re.compile(r"\bstatic\s+void\s+main\s*\("),
)
