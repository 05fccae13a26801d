import re

from tutor.languages.descriptor import ErrorLines, LanguageDescriptor

PYTHON = LanguageDescriptor(
    name="python",
    display_name="Python",
    suffixes=(".py",),
    grader="unittest",
    editor_mode="python",
    lexer=None,
    errors=ErrorLines(
        located_at=re.compile(r'^File "(?:.*/)?(?P<file>[\w.-]+\.py)", line (?P<line>\d+)'),
        stack_frame=re.compile(r'File "(?:.*/)?(?P<file>[\w.-]+\.py)", line (?P<line>\d+)'),
    ),
)
