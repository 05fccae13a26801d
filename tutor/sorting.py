"""Server-side sorting for paginated tables (the AI log, the review queue): ?sort=student sorts
by the student ascending, ?sort=-student descending. Tables shown whole sort in the browser
instead (static/js/tables.js).

Templates load the header tag with {% load sorting %} (registered in settings.TEMPLATES):
{% sort_header sorting "student" "Student" %} renders a <th> whose link flips the order and keeps
the page's other query parameters (filters), starting again at page 1.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from django import template
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@dataclass(frozen=True)
class Sorting:
    """The chosen column (a key of `columns`) and direction; `columns` maps each key to the
    model fields it orders by (a tie-breaker last keeps pages stable)."""

    key: str
    descending: bool
    columns: Mapping[str, tuple[str, ...]]

    def order_by(self) -> list[str]:
        sign = "-" if self.descending else ""
        return [f"{sign}{field}" for field in self.columns[self.key]]

    def param_for(self, key: str) -> str:
        """The ?sort= value a click on column `key` asks for: its other direction when it is
        the current column, else ascending."""
        if key == self.key and not self.descending:
            return f"-{key}"
        return key

    def aria_sort(self, key: str) -> str:
        if key != self.key:
            return "none"
        return "descending" if self.descending else "ascending"


def sorting_from(value: str, columns: Mapping[str, tuple[str, ...]], default: str) -> Sorting:
    """The sorting a ?sort= value asks for; anything unknown falls back to `default`."""
    for candidate in (value, default):
        key = candidate.removeprefix("-")
        if key in columns:
            return Sorting(key, candidate.startswith("-"), columns)
    raise ValueError(f"default sort {default!r} is not one of the columns")


@register.simple_tag(takes_context=True)
def sort_header(context: template.Context, sorting: Sorting, key: str, label: str) -> SafeString:
    request: HttpRequest = context["request"]
    query = request.GET.copy()
    query["sort"] = sorting.param_for(key)
    query.pop("page", None)
    return format_html(
        '<th scope="col" aria-sort="{}"><a class="sort-link" href="?{}">{}</a></th>',
        sorting.aria_sort(key),
        query.urlencode(),
        label,
    )
