"""Horizontal bar charts as plain numbers for an inline SVG: the server draws, no script.

The template (templates/analytics/_bar_chart.html) places each rectangle where these say; the
colours come from static/css/analytics.css, so the chart follows the light and dark themes.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 720
LABEL_WIDTH = 240  # room for the row labels, left of the bars
VALUE_WIDTH = 80  # room for the numbers, right of the longest bar
ROW_HEIGHT = 22
BAR_HEIGHT = 14
AXIS_HEIGHT = 20
LABEL_CHARS = 34
TICKS = 4


@dataclass(frozen=True)
class Bar:
    series: int  # 0, 1, ...: the CSS class chart-series-N
    value: float
    width: float


@dataclass(frozen=True)
class BarRow:
    label: str
    y: int  # the row's top
    bars: list[Bar]  # drawn in order, each over the one before
    values: str  # the numbers written after the bars

    @property
    def bar_y(self) -> int:
        return self.y + (ROW_HEIGHT - BAR_HEIGHT) // 2

    @property
    def text_y(self) -> int:
        return self.y + ROW_HEIGHT // 2 + 4

    @property
    def values_x(self) -> float:
        return LABEL_WIDTH + max((bar.width for bar in self.bars), default=0) + 6


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class BarChart:
    title: str
    series: list[str]  # the legend, one name per series
    rows: list[BarRow]
    ticks: list[Tick]
    max_value: float

    width: int = WIDTH
    label_width: int = LABEL_WIDTH
    bar_height: int = BAR_HEIGHT

    @property
    def axis_y(self) -> int:
        return len(self.rows) * ROW_HEIGHT

    @property
    def height(self) -> int:
        return self.axis_y + AXIS_HEIGHT

    @property
    def tick_y(self) -> int:
        return self.height - 5

    @property
    def label_x(self) -> int:
        return LABEL_WIDTH - 8


def bar_chart(
    title: str,
    series: Sequence[str],
    rows: Sequence[tuple[str, Sequence[float]]],
    *,
    max_value: float | None = None,
) -> BarChart:
    """One row per (label, values); each value is one series' bar, all from the same origin,
    so list a larger series (attempted) before the one it contains (solved)."""
    top = max_value or _round_up(max((max(values, default=0) for _, values in rows), default=0))
    plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    return BarChart(
        title=title,
        series=list(series),
        rows=[
            BarRow(
                label=_short(label),
                y=index * ROW_HEIGHT,
                bars=[
                    Bar(series=number, value=value, width=round(plot * value / top, 1))
                    for number, value in enumerate(values)
                ],
                values=" / ".join(_number(value) for value in values),
            )
            for index, (label, values) in enumerate(rows)
        ],
        ticks=[
            Tick(x=round(LABEL_WIDTH + plot * step / TICKS, 1), label=_number(top * step / TICKS))
            for step in range(TICKS + 1)
        ],
        max_value=top,
    )


def _round_up(value: float) -> float:
    """The top of the scale: TICKS steps of a round size (1, 2, 2.5, 3, 4, 5, 6 or 8 x 10^n;
    whole numbers when the values are counts) at or above `value`."""
    if value <= 0:
        return 1
    # Counts of 1 to TICKS: a step of one, not fractions of a run.
    step = value / TICKS if value < 1 else max(value / TICKS, 1)
    scale = 10 ** math.floor(math.log10(step))
    sizes = [m * scale for m in (1, 2, 2.5, 3, 4, 5, 6, 8, 10)]
    if step >= 1:
        sizes = [size for size in sizes if size == int(size)]
    return max(next(size for size in sizes if size >= step - 1e-9) * TICKS, 1)


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:.1f}"
