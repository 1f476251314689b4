"""Charts drawn on the server as inline SVG (the console loads nothing from outside).

Every text in a chart goes through Markup.format, which escapes it.
"""

from markupsafe import Markup

from services.gateway.console.labels import APPLICATION_STATUSES, CATEGORIES
from shared.money import format_fen

BAR_HEIGHT, GAP, LABEL_WIDTH, BAR_AREA, VALUE_WIDTH = 22, 10, 96, 360, 130
COLOURS = ("#2f6f9f", "#d08c2b", "#3f8f4f", "#7a7a7a", "#a04a4a", "#6b5b95", "#2a9d8f", "#b5651d")


def bar_chart(title: str, bars: list[tuple[str, int, str]]) -> Markup:
    """Horizontal bars, one per (label, value, value as text), scaled to the largest value."""
    largest = max([value for _label, value, _text in bars] + [1])
    height = len(bars) * (BAR_HEIGHT + GAP) + GAP
    width = LABEL_WIDTH + BAR_AREA + VALUE_WIDTH
    parts = [
        Markup(
            '<svg class="chart" role="img" xmlns="http://www.w3.org/2000/svg" width="{0}" height="{1}" '
            'viewBox="0 0 {0} {1}"><title>{2}</title>'
        ).format(width, height, title)
    ]
    for index, (label, value, text) in enumerate(bars):
        top = GAP + index * (BAR_HEIGHT + GAP)
        length = round(BAR_AREA * max(value, 0) / largest)
        middle = top + BAR_HEIGHT // 2 + 5
        parts.append(
            Markup(
                '<text x="{0}" y="{1}" text-anchor="end" font-size="13">{2}</text>'
                '<rect x="{3}" y="{4}" width="{5}" height="{6}" fill="{7}"><title>{2} {8}</title></rect>'
                '<text x="{9}" y="{1}" font-size="13">{8}</text>'
            ).format(
                LABEL_WIDTH - 8,
                middle,
                label,
                LABEL_WIDTH,
                top,
                length,
                BAR_HEIGHT,
                COLOURS[index % len(COLOURS)],
                text,
                LABEL_WIDTH + length + 6,
            )
        )
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def money_chart(campaign: dict) -> Markup:
    """A campaign's money: available, committed, disbursed and remaining."""
    bars = [
        (label, campaign[field], format_fen(campaign[field]))
        for label, field in (
            ("可用资金", "available_fen"),
            ("已承诺", "committed_fen"),
            ("已发放", "disbursed_fen"),
            ("剩余", "remaining_fen"),
        )
    ]
    return bar_chart(f"{campaign['name']} 资金情况", bars)


def status_chart(campaign: dict) -> Markup:
    """How many of a campaign's applications are in each status."""
    bars = [
        (name, campaign["counts"].get(status, 0), f"{campaign['counts'].get(status, 0)} 件")
        for status, name in APPLICATION_STATUSES.items()
    ]
    return bar_chart(f"{campaign['name']} 申请状态", bars)


def disclosure_chart(disclosure: dict) -> Markup:
    """A campaign's public account: where its money came from and where it went."""
    income, spending = disclosure["income"], disclosure["spending"]
    figures = [
        ("定向捐款", income["restricted_gifts_fen"]),
        ("划入的捐款", income["allocated_gifts_fen"]),
        ("工会预算", income["union_budget_fen"]),
        ("已发放", spending["disbursed_fen"]),
        ("已承诺", spending["committed_fen"]),
        ("剩余", disclosure["remaining_fen"]),
    ]
    return bar_chart(f"{disclosure['name']} 资金公开", [(name, fen, format_fen(fen)) for name, fen in figures])


def figures_chart(name: str, figures: dict) -> Markup:
    """A unit's roll-up figures: its active files by hardship category and its applications by status."""
    by_category, by_status = figures["workers"]["by_category"], figures["applications"]["by_status"]
    bars = [(label, by_category[code], f"{by_category[code]} 户") for code, label in CATEGORIES.items()]
    bars += [(label, by_status[code], f"{by_status[code]} 件") for code, label in APPLICATION_STATUSES.items()]
    return bar_chart(f"{name} 在档职工与申请", bars)
