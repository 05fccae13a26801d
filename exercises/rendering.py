"""Markdown from exercise authors, rendered to HTML that cannot carry scripts."""

import markdown
import nh3


def render_markdown(text: str) -> str:
    html = markdown.markdown(text, extensions=["fenced_code", "tables", "sane_lists"])
    return nh3.clean(html)
