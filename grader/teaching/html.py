"""Pictures: the class report as one self-contained HTML page, and a learner's progress badge.

No external assets: the page opens offline and the badge is a plain SVG.
"""

from __future__ import annotations

from html import escape

CSS = """
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:60rem;color:#222;padding:0 1rem}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem}
table{border-collapse:collapse;width:100%}td,th{padding:.25rem .5rem;text-align:left}
tr:nth-child(even){background:#f6f6f6}
.bar{background:#e3e3e3;border-radius:3px;height:.9rem;width:16rem;display:inline-block}
.fill{background:#2e7d32;height:100%;border-radius:3px}
.low .fill{background:#c62828}.mid .fill{background:#f9a825}
.hist{display:flex;align-items:flex-end;gap:4px;height:8rem;border-bottom:1px solid #999}
.hist div{background:#1565c0;flex:1;min-height:1px;position:relative}
.hist span{position:absolute;top:-1.2rem;width:100%;text-align:center;font-size:.8rem}
.axis{display:flex;gap:4px}.axis div{flex:1;text-align:center;font-size:.75rem;color:#555}
.side{display:grid;grid-template-columns:1fr 1fr;gap:1rem}.side>div{min-width:0}
.side h3{font-size:.9rem;margin:.5rem 0 .25rem}
pre{background:#f6f6f6;padding:.5rem;overflow:auto;font-size:.8rem;max-height:30rem}
mark{background:#ffe082}details.pair{margin:.5rem 0}summary{cursor:pointer}
"""


def _bar(rate: float) -> str:
    tone = "low" if rate < 0.4 else "mid" if rate < 0.7 else "high"
    return (
        f'<span class="bar {tone}" role="img" aria-label="{rate:.0%}">'
        f'<span class="fill" style="width:{rate * 100:.1f}%;display:block"></span></span>'
    )


def class_report_html(summary: dict, pairs: list | None = None) -> str:
    """The page; ``pairs`` (similarity.Pair) brings the code of the similar pairs shown."""
    n = summary["submissions"]
    rows_k = "".join(
        f'<tr class="kata" data-slug="{escape(k["slug"])}" data-rate="{k["pass_rate"]:.4f}">'
        f"<td>{escape(k['slug'])}</td><td>{escape(k['level'])}</td><td>{k['passed']}/{n}</td>"
        f"<td>{_bar(k['pass_rate'])} {k['pass_rate']:.0%}</td></tr>"
        for k in summary["katas"]
    )
    rows_l = "".join(
        f'<tr class="level"><td>{escape(lv["level"])}</td>'
        f"<td>{_bar(lv['pass_rate'])} {lv['pass_rate']:.0%}</td></tr>"
        for lv in summary["levels"]
    )
    rows_t = "".join(
        f'<tr class="hard"><td>{escape(t["kata"])}</td><td>{escape(t["test"])}</td>'
        f"<td>{_bar(t['pass_rate'])} {t['passed']}/{t['total']}</td></tr>"
        for t in summary["hardest_tests"]
    )
    top = summary["max_score"] or 1
    buckets = [0] * 10
    for score in summary["scores"].values():
        buckets[min(9, int(10 * score / top))] += 1
    peak = max(buckets) or 1
    hist = "".join(
        f'<div class="bucket" data-count="{c}" style="height:{100 * c / peak:.1f}%">'
        f"<span>{c or ''}</span></div>"
        for c in buckets
    )
    axis = "".join(f"<div>{10 * i}–{10 * (i + 1)}%</div>" for i in range(10))
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Class report</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>{CSS}</style></head>
<body><h1>Class report</h1>
<p id="summary">{n} submissions · mean score {summary["mean_score"]:.1f}
of {summary["max_score"]}</p>
<h2>Pass rate per level</h2><table id="levels">{rows_l}</table>
<h2>Pass rate per kata</h2>
<table id="katas"><tr><th>kata</th><th>level</th><th>passed</th><th>pass rate</th></tr>
{rows_k}</table>
<h2>Distribution of scores</h2>
<div class="hist" id="scores">{hist}</div><div class="axis">{axis}</div>
<h2>Hardest tests</h2>
<table id="hardest"><tr><th>kata</th><th>test</th><th>pass rate</th></tr>{rows_t}</table>
{_similar(summary["similarity"], pairs or [])}
</body></html>
"""


def _similar(similarity: dict, pairs: list) -> str:
    """The pairs at or above the threshold, their code side by side with the copied parts marked."""
    above = similarity["pairs"]
    head = (
        f'<h2>Similar submissions</h2><p id="similar-summary">{len(above)} pair'
        f"{'' if len(above) == 1 else 's'} of submissions score at least "
        f"{similarity['threshold']:.0%} (copydetect's winnowing; the stub does not count). "
        "A high score is a reason to look, not proof of copying: short katas have few "
        "ways to be solved. Every pair with a score is in similarity.csv.</p>"
    )
    shown = [p for p in pairs if p.files]
    blocks = "".join(
        f'<details class="pair" open data-kata="{escape(p.kata)}" data-a="{escape(p.a)}" '
        f'data-b="{escape(p.b)}" data-score="{p.score:.4f}"><summary>{escape(p.kata)}: '
        f"<b>{escape(p.a)}</b> and <b>{escape(p.b)}</b>, {p.score:.0%}</summary>"
        + "".join(
            f'<div class="side"><div><h3>{escape(p.a)}: {escape(rel)}</h3><pre>{code_a}</pre>'
            f"</div><div><h3>{escape(p.b)}: {escape(rel)}</h3><pre>{code_b}</pre></div></div>"
            for rel, code_a, code_b in p.files
        )
        + "</details>"
        for p in shown
    )
    more = len(above) - len(shown)
    tail = f"<p>{more} more pairs above the threshold are in similarity.csv.</p>" if more else ""
    return f'<section id="similar">{head}{blocks}{tail}</section>'



def progress_badge(levels: list[tuple[str, int, int]]) -> str:
    """An SVG badge: one segment per level, ``(name, passed, total)``."""
    width, height, label = 110 * len(levels) + 50, 20, 50
    parts = [
        f'<rect width="{label}" height="{height}" fill="#555"/>',
        f'<text x="{label / 2}" y="14" fill="#fff" text-anchor="middle">kata</text>',
    ]
    for i, (name, done, total) in enumerate(levels):
        x = label + 110 * i
        colour = "#2e7d32" if total and done == total else "#f9a825" if done else "#9e9e9e"
        parts.append(f'<rect x="{x}" width="110" height="{height}" fill="{colour}"/>')
        parts.append(
            f'<text x="{x + 55}" y="14" fill="#fff" text-anchor="middle">'
            f"{escape(name)} {done}/{total}</text>"
        )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'role="img" aria-label="kata progress" font-family="Verdana,sans-serif" '
        f'font-size="11">{"".join(parts)}</svg>\n'
    )
