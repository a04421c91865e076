"""The few Go templates the alert texts use: how they are written, and how Prometheus renders them.

Alert annotations are Go templates that Prometheus expands when an alert fires.
:func:`value` and :func:`gap` write them; :func:`render` expands exactly those
forms as Prometheus does, so the generated promtool tests can expect the
rendered Dutch texts (and fail when a template and its rendering drift apart).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_VALUE = {
    "ratio": "{{ $value | humanizePercentage }}",
    "seconds": "{{ $value | humanizeDuration }}",
    "grade": '{{ $value | printf "%.1f" }}',
}
_FILTER = {"ratio": "humanizePercentage", "seconds": "humanizeDuration", "grade": 'printf "%.1f"'}


def num(value: float) -> str:
    """A number as the rule files write it (``%g``: 0.8, 300, 1e+06)."""
    return f"{value:g}"


def value(unit: str) -> str:
    """Template printing the alert's ``$value`` in a live unit (``ratio``, ``seconds``, ``grade``)."""
    return _VALUE[unit]


def gap(unit: str, target: float) -> str:
    """Template printing |value − target| in the live unit (templates have no arithmetic: a query)."""
    query = f'{{{{ with printf "abs(vector(%f - {num(target)}))" $value | query }}}}{{{{ . | first | value | '
    return f"{query}{_FILTER[unit]} }}}}{{{{ end }}}}"


def render(template: str, labels: Mapping[str, str], value_: float) -> str:
    """Expand the template forms of this module and ``{{ $value }}``/``{{ $labels.x }}`` as Prometheus does."""
    out = re.sub(r"\{\{ with printf \"abs\(vector\(%f - ([0-9.e+-]+)\)\)\" \$value \| query \}\}"
                 r"\{\{ \. \| first \| value \| (.+?) \}\}\{\{ end \}\}",
                 lambda m: _FORMAT[m.group(2)](abs(float(f"{value_:f}") - float(m.group(1)))), template)
    out = re.sub(r"\{\{ \$value \| (.+?) \}\}", lambda m: _FORMAT[m.group(1)](value_), out)
    out = out.replace("{{ $value }}", _go_float(value_))
    return re.sub(r"\{\{ \$labels\.(\w+) \}\}", lambda m: labels.get(m.group(1), ""), out)


def _go_float(v: float) -> str:
    """Go's ``%v`` of a float64 for the plain values the tests use."""
    return str(int(v)) if v == int(v) and abs(v) < 1e21 else repr(v)


def _humanize_duration(v: float) -> str:
    if v == 0:
        return "0s"
    seconds = int(v)
    s, mi, h, d = seconds % 60, seconds // 60 % 60, seconds // 3600 % 24, seconds // 86400
    if d:
        return f"{d}d {h}h {mi}m {s}s"
    if h:
        return f"{h}h {mi}m {s}s"
    if mi:
        return f"{mi}m {s}s"
    return f"{v:.4g}s"


_FORMAT = {
    "humanizePercentage": lambda v: f"{v * 100:.4g}%",
    "humanizeDuration": _humanize_duration,
    'printf "%.1f"': lambda v: f"{v:.1f}",
}
