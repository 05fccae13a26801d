import re

from tutor.languages.descriptor import ErrorLines, LanguageDescriptor

JAVASCRIPT = LanguageDescriptor(
    name="javascript",
    display_name="JavaScript",
    suffixes=(".js", ".mjs"),
    grader="program",
    editor_mode="javascript",
    lexer="javascript",
    errors=ErrorLines(
        # node --check prints the place ("file.js:3"), the line, a caret, then the error.
        located_at=re.compile(r"^(?:.*/)?(?P<file>[\w.+-]+\.m?js):(?P<line>\d+)$"),
        # "at twoFer (/tmp/work/two-fer.js:3:9)" or "at /tmp/work/two-fer.js:3:9"
        stack_frame=re.compile(
            r"\bat (?:.*?\()?(?:file://)?(?:.*/)?(?P<file>[\w.+-]+\.m?js):"
            r"(?P<line>\d+):\d+\)?"
        ),
    ),
    completion_header="// {name}\n",
    native_test_file="{module}.test.js",
    # A script has no entry point: any code that reads its input or prints may be one.
    whole_program=re.compile(r"console\.log|process\.stdout|readFileSync|module\.exports"),
)
