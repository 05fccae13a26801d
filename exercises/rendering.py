"""Markdown from exercise authors and instructors, as HTML that cannot carry scripts or call out.

The site works offline and must not tell anyone outside who reads a statement: an image is kept
only when the site serves it (a relative address, or one of the site's own hosts); any other
becomes a plain link with the image's description, and the importer warns about it
(`remote_images`).
"""

from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser
from urllib.parse import urlsplit

import markdown
import nh3
from django.conf import settings
from django.http.request import split_domain_port, validate_host


def render_markdown(text: str, *, line_breaks: bool = False) -> str:
    """line_breaks: a single newline is a line break (comments typed in a box), not a space."""
    return _rewrite_images(nh3.clean(_markdown_html(text, line_breaks=line_breaks))).html


def remote_images(text: str) -> list[str]:
    """The addresses of the statement's images that the site does not serve, in order."""
    return _rewrite_images(nh3.clean(_markdown_html(text))).remote


def is_site_address(address: str) -> bool:
    """A relative address, or an http(s) one on a host the site answers to ("*" aside)."""
    try:
        parts = urlsplit(address.strip())
    except ValueError:
        return False
    if not parts.scheme and not parts.netloc:
        return True
    if parts.scheme.lower() not in ("http", "https", "") or not parts.netloc:
        return False
    host, _ = split_domain_port(parts.netloc.rsplit("@", 1)[-1].lower())
    own_hosts = [allowed for allowed in settings.ALLOWED_HOSTS if allowed != "*"]
    return bool(host) and validate_host(host, own_hosts)


def _markdown_html(text: str, *, line_breaks: bool = False) -> str:
    extensions = ["fenced_code", "tables", "sane_lists"] + (["nl2br"] if line_breaks else [])
    return markdown.markdown(text, extensions=extensions)


class _ImageRewriter(HTMLParser):
    """Copies sanitised HTML through, turning images from elsewhere into links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.parts: list[str] = []
        self.remote: list[str] = []

    @property
    def html(self) -> str:
        return "".join(self.parts)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img" and self._replaced(dict(attrs)):
            return
        self.parts.append(self.get_starttag_text() or "")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        self.parts.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_entityref(self, name: str) -> None:
        self.parts.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.parts.append(f"&#{name};")

    def _replaced(self, attrs: dict[str, str | None]) -> bool:
        source = attrs.get("src") or ""
        if not source or is_site_address(source):
            return False
        self.remote.append(source)
        label = attrs.get("alt") or attrs.get("title") or source
        self.parts.append(f'<a href="{escape(source)}">{escape(label)}</a>')
        return True


@dataclass(frozen=True)
class _Rewritten:
    html: str
    remote: list[str]


def _rewrite_images(clean_html: str) -> _Rewritten:
    rewriter = _ImageRewriter()
    rewriter.feed(clean_html)
    rewriter.close()
    # Once more through the sanitiser: the links made here follow its rules (schemes, rel).
    return _Rewritten(nh3.clean(rewriter.html), rewriter.remote)
