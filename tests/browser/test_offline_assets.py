"""Every page works on a lab PC without internet: templates and static files load nothing from
another host, every asset a template names is in static/, and the workspace stays light.

Plain file checks (no browser), kept beside the browser tests that load the same pages.
"""

import gzip
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"
STATIC = ROOT / "static"
FRONTEND = ROOT / "frontend"

# XML namespace names look like URLs but are identifiers that nothing ever fetches. Minified
# bundles carry them: CodeMirror's stylesheet has inline SVG in data: URLs, which must declare
# xmlns="http://www.w3.org/2000/svg", and DOMPurify names the HTML, SVG and MathML namespaces.
# Exactly these strings are allowed, nothing else on www.w3.org or any other host.
XML_NAMESPACES = frozenset(
    {
        "http://www.w3.org/1999/xhtml",
        "http://www.w3.org/2000/svg",
        "http://www.w3.org/1999/xlink",
        "http://www.w3.org/1998/Math/MathML",
        "http://www.w3.org/XML/1998/namespace",
        "http://www.w3.org/2000/xmlns/",
    }
)

# Places where a URL is fetched or navigated to. Each pattern's last group is the reference.
# A string that merely mentions a URL (an error message, a comment) is not a reference.
QUOTED = r"""(?:"([^"]*)"|'([^']*)'|`([^`]*)`)"""
REFERENCE_PATTERNS = {
    "HTML attribute or DOM property": re.compile(
        r"\b(?:src|srcset|href|action|formaction|poster|background|data|ping|manifest)\s*=\s*"
        rf"""(?:{QUOTED}|([^\s>"'`]+))""",
        re.IGNORECASE,
    ),
    "CSS url()": re.compile(r"""\burl\(\s*(?:"([^"]*)"|'([^']*)'|([^)"']*))\s*\)""", re.I),
    "CSS @import": re.compile(rf"@import\s+(?:url\(\s*)?{QUOTED}", re.IGNORECASE),
    "JS import": re.compile(rf"\bimport\s*(?:\(\s*|[^;()]*?\bfrom\s*|\s){QUOTED}"),
    "JS request": re.compile(
        r"(?:\bfetch|\bimportScripts|\.sendBeacon|"
        r"\bnew\s+(?:WebSocket|EventSource|Worker|SharedWorker))"
        rf"\s*\(\s*{QUOTED}"
    ),
    "XMLHttpRequest.open": re.compile(rf"\.open\(\s*{QUOTED}\s*,\s*{QUOTED}"),
}

# An absolute URL with a literal host, with or without a scheme ("//cdn.example/x.js").
# "${location.host}" or a variable is not a literal host, so it starts with a word character.
URL_WITH_HOST = re.compile(r"""(?:\b[a-z][a-z0-9+.-]*:)?//(?=[\w\[])[^\s"'`<>()\\]*""", re.I)


def offsite_urls(text: str) -> Iterator[tuple[str, str]]:
    """(kind of reference, URL) for every reference in text to another host."""
    for kind, pattern in REFERENCE_PATTERNS.items():
        for match in pattern.finditer(text):
            reference = next(group for group in reversed(match.groups()) if group is not None)
            for url in URL_WITH_HOST.findall(reference):
                if url not in XML_NAMESPACES:
                    yield kind, url


def is_licence_or_source_map(path: Path) -> bool:
    return "LICENSE" in path.name.upper() or "LICENCE" in path.name.upper() or path.suffix == ".map"


def scanned_files() -> list[Path]:
    files = [*TEMPLATES.rglob("*"), *STATIC.rglob("*")]
    return sorted(path for path in files if path.is_file() and not is_licence_or_source_map(path))


def read_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None  # images and fonts: binary files name no URLs


@pytest.mark.parametrize(
    "snippet",
    [
        '<script src="https://cdn.example.com/codemirror.js"></script>',
        "<link rel=stylesheet href='//fonts.googleapis.com/css2?family=Inter'>",
        '<form action="http://grader.example/submit">',
        "<img src=https://example.org/logo.png>",
        '@import url("https://fonts.googleapis.com/css2?family=Inter");',
        "@import 'http://cdn.example/reset.css';",
        "body{background:url(http://cdn.example/bg.png)}",
        'const marked = await import("https://esm.sh/marked");',
        'import { EditorView } from "https://esm.sh/@codemirror/view";',
        'fetch("http://api.example/grade", {method: "POST"})',
        "new WebSocket(`ws://10.0.0.5:8000/ws/workspace/add-two/`)",
        'navigator.sendBeacon("https://telemetry.example/collect", data)',
        'e.src="https://tracker.example/pixel.gif"',
        'url(\'data:image/svg+xml,<svg xmlns="http://www.w3.org/2000/svg">'
        '<image href="http://cdn.example/a.png"/></svg>\')',
        'xhr.open("GET", "https://api.example/x")',
    ],
)
def test_the_scan_catches_offsite_references(snippet: str) -> None:
    assert list(offsite_urls(snippet)), snippet


@pytest.mark.parametrize(
    "snippet",
    [
        "<script src=\"{% static 'js/workspace.js' %}\" defer></script>",
        '<a href="{% url \'exercises:list\' %}">Exercises</a> <a href="#content">Skip</a>',
        'url(\'data:image/svg+xml,<svg xmlns="http://www.w3.org/2000/svg" width="6"/>\')',
        'document.createElementNS("http://www.w3.org/2000/svg", "svg")',
        "new WebSocket(`${scheme}//${location.host}${path}`)",
        'navigator.sendBeacon("/exercises/add-two/draft/", form)',
        '"Please report this to https://github.com/markedjs/marked."',
        "// see https://codemirror.net/docs/",
        'a.href=t.href; x="<a href=\\""+n+"\\">"',
    ],
)
def test_the_scan_allows_local_references_and_mere_mentions(snippet: str) -> None:
    assert list(offsite_urls(snippet)) == []


def test_no_template_or_static_file_loads_from_another_host() -> None:
    files = scanned_files()
    names = {path.relative_to(ROOT).as_posix() for path in files}
    # The scan must see the pages and the bundles, or passing proves nothing.
    assert {
        "templates/base.html",
        "templates/workspace/exercise.html",
        "static/js/workspace.js",
        "static/js/theme.js",
        "static/css/labtutor.css",
    } <= names
    offending = [
        f"{path.relative_to(ROOT)}: {kind} {url}"
        for path in files
        if (text := read_text(path)) is not None
        for kind, url in offsite_urls(text)
    ]
    assert offending == []


STATIC_TAG = re.compile(r"""\{%\s*static\s+["']([^"']+)["']\s*%\}""")


def test_every_asset_a_template_names_is_in_static() -> None:
    named = {
        asset
        for template in TEMPLATES.rglob("*.html")
        for asset in STATIC_TAG.findall(template.read_text(encoding="utf-8"))
    }
    assert "js/workspace.js" in named
    assert sorted(asset for asset in named if not (STATIC / asset).is_file()) == []


def test_the_bundle_credits_every_package_it_is_built_from() -> None:
    """The committed bundle's notices name the exact versions frontend/package.json pins."""
    manifest = json.loads((FRONTEND / "package.json").read_text(encoding="utf-8"))
    notices = (STATIC / "js" / "workspace.js.LICENSE.txt").read_text(encoding="utf-8")
    missing = [
        f"{name} {version}"
        for name, version in manifest["dependencies"].items()
        if f"\n{name} {version} (" not in notices
    ]
    assert missing == []


# The whole exercise page must stay under 600 KB compressed; the HTML and the statement need
# a little of that, so the static assets get 500 KB.
ASSET_BUDGET_BYTES = 500_000


def test_the_workspace_assets_fit_the_page_weight_budget() -> None:
    page_assets = {"js/workspace.js", "js/theme.js", "css/labtutor.css"}
    compressed = sum(
        len(gzip.compress((STATIC / asset).read_bytes(), compresslevel=9)) for asset in page_assets
    )
    assert compressed < ASSET_BUDGET_BYTES
