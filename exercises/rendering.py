"""Markdown from exercise authors and instructors, rendered to HTML that cannot carry scripts."""

import markdown
import nh3


def render_markdown(text: str, *, line_breaks: bool = False) -> str:
    """line_breaks: a single newline is a line break (comments typed in a box), not a space."""
    extensions = ["fenced_code", "tables", "sane_lists"] + (["nl2br"] if line_breaks else [])
    return nh3.clean(markdown.markdown(text, extensions=extensions))
