"""Monthly, quarterly and yearly export of the indicator report for the programme texts.

``table`` lays the typed report rows (``monitor.report``) out as a table, with
the Dutch words and number formats of ``monitor.nl``; ``xlsx``, ``csv``, ``markdown`` and ``html``
write the table; ``charts`` draws each indicator's months against its norm.
"""
