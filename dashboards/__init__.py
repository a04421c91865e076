"""Grafana dashboards as code (grafana-foundation-sdk), generated per municipality.

``dashboards.render`` builds the wallboard, team-lead and programme dashboards of
every configured municipality and writes them as sorted JSON into
``config/grafana/dashboards/<municipality>/``; ``kcc-monitor dashboards`` runs it
and ``--check`` fails when the committed files are stale. Queries come from
``monitor/promql.py`` via :mod:`dashboards.queries`; colours from the norms via
:mod:`dashboards.norms`; panel factories in :mod:`dashboards.panels`.
"""
