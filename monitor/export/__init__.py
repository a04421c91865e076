"""Monthly, quarterly and yearly export of the indicator report for the programme texts.

``table`` lays report dicts (``monitor.report``) out as a table; ``labels`` holds
the Dutch words and number formats; ``xlsx``, ``csv``, ``markdown`` and ``html``
write the table; ``charts`` draws each indicator's months against its norm.
"""
