"""The chart for the secretariat (png): lights per lead unit, and the reporting rate by month.

Chinese text needs a CJK font; WenQuanYi Micro Hei (Apache-2.0 / GPLv3) is bundled under
``bot/data/fonts`` so the chart renders the same on any machine.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

FONT = "wqy-microhei.ttc"
COLOURS = {"green": "#4CAF50", "yellow": "#FFC107", "red": "#E53935"}


@dataclass(slots=True)
class ChartData:
    """What the chart shows."""

    title: str
    lead_lights: dict[str, dict[str, int]]  # lead unit → light → tasks
    rates: list[tuple[str, float]]  # (period, share of requests answered) oldest first
    labels: dict[str, str]  # green/yellow/red/rate/axis captions in the reader's locale


def font_path() -> Path:
    """The bundled CJK font."""
    return Path(str(resources.files("bot.data").joinpath("fonts", FONT)))


def write_chart_png(data: ChartData, path: Path) -> None:
    """Two panels side by side, A4-landscape proportions, 150 dpi."""
    import matplotlib  # noqa: PLC0415 - heavy import, exports only

    matplotlib.use("Agg")
    logging.getLogger("matplotlib").setLevel(logging.WARNING)
    from matplotlib import font_manager  # noqa: PLC0415
    from matplotlib import pyplot as plt  # noqa: PLC0415
    from matplotlib.ticker import MaxNLocator  # noqa: PLC0415

    font_manager.fontManager.addfont(str(font_path()))
    family = font_manager.FontProperties(fname=str(font_path())).get_name()
    units = sorted(data.lead_lights, key=lambda u: (-data.lead_lights[u].get("red", 0), u))[:25]
    with plt.rc_context({"font.family": family, "axes.unicode_minus": False}):
        figure, (bars, line) = plt.subplots(
            1,
            2,
            figsize=(14, max(5.0, 0.35 * len(units) + 2)),
            gridspec_kw={"width_ratios": [3, 2]},
        )
        left = [0] * len(units)
        for light in ("red", "yellow", "green"):
            values = [data.lead_lights[u].get(light, 0) for u in units]
            bars.barh(units, values, left=left, color=COLOURS[light], label=data.labels[light])
            left = [a + b for a, b in zip(left, values, strict=True)]
        bars.invert_yaxis()
        bars.xaxis.set_major_locator(MaxNLocator(integer=True))
        bars.set_xlabel(data.labels["tasks"])
        bars.set_title(data.labels["lights_title"])
        bars.legend(loc="lower right")
        periods = [p for p, _ in data.rates]
        shares = [round(r * 100, 1) for _, r in data.rates]
        positions = list(range(len(periods)))
        line.plot(positions, shares, marker="o", color="#1565C0")
        line.set_xticks(positions, periods)
        for x, y in zip(positions, shares, strict=True):
            line.annotate(f"{y:g}%", (x, y), textcoords="offset points", xytext=(0, 6), ha="center")
        line.set_ylim(0, 105)
        line.set_ylabel(data.labels["rate"])
        line.set_title(data.labels["rate_title"])
        line.grid(axis="y", alpha=0.3)
        figure.suptitle(data.title, fontsize=14)
        figure.tight_layout()
        figure.savefig(path, dpi=150)
        plt.close(figure)
