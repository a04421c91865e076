"""The team lead's live wallboard: one web page per municipality on the KCC's TV.

``snapshot`` turns Prometheus and Alertmanager answers into one JSON snapshot per
municipality (pure functions); ``sources`` asks both servers once per interval;
``server`` pushes every snapshot to every connected screen (Server-Sent Events).
The page only renders. ``monitor`` never imports this package.
"""
