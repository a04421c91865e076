"""The simulator's model parameters: every number that shapes the simulated day, named, with its unit.

Volumes per municipality are configuration (``simulation:`` in its YAML); what lives
here is how a contact centre behaves around those volumes: daily and hourly rhythms,
how callers wait and give up, how desks are staffed, how fast letters are answered.
They were chosen so that the simulated KPIs land where the seeds report them
(``/work/shared/seeds``); changing one changes the simulated events of every seed.
Shares are fractions of 1; ``(low, high)`` pairs are the bounds of a uniform draw.
"""

from __future__ import annotations

# ---------------------------------------------------------------- daily and hourly rhythms

WEEKDAY_FACTOR_PHONE = (1.25, 1.05, 0.95, 0.95, 0.80)
"""Mon..Fri volume factor of calls (Monday busiest); they average 1."""
WEEKDAY_FACTOR_COUNTER = (1.10, 1.00, 1.00, 1.05, 0.85)
"""Mon..Fri volume factor of counter visits (booked capacity evens it out); they average 1."""
NON_WORKING_DIGITAL_FACTOR = 0.6
WORKING_DIGITAL_FACTOR = 1.15
"""E-forms on non-working vs working days; (5 × 1.15 + 2 × 0.6) / 7 ≈ 1, so ``digital_per_day`` holds."""

PHONE_CURVE = {9: 1.0, 10: 1.4, 11: 1.3, 12: 1.0, 13: 0.95, 14: 1.0, 15: 0.85, 16: 0.7,
               17: 0.35, 18: 0.3, 19: 0.25}
"""Relative call arrival rate per local hour: mid-morning peak, quieter after lunch."""
PHONE_CURVE_OTHER_HOURS = 0.2
"""Relative call arrival rate in an office hour not in :data:`PHONE_CURVE` (early openings)."""
DIGITAL_CURVE = (0.08, 0.05, 0.04, 0.04, 0.05, 0.1, 0.25, 0.5, 0.9, 1.2, 1.25, 1.2, 1.1, 1.1, 1.1,
                 1.05, 0.95, 0.8, 0.8, 1.0, 1.05, 0.9, 0.6, 0.3)
"""Relative e-form rate per local hour 0..23: office hours and an evening bump."""
EMAIL_CURVE = {7: 0.4, 8: 0.8, 9: 1.2, 10: 1.3, 11: 1.2, 12: 1.0, 13: 1.0, 14: 1.1, 15: 1.0, 16: 0.9,
               17: 0.6, 18: 0.4, 19: 0.5, 20: 0.6, 21: 0.5, 22: 0.3}
"""Relative e-mail rate per local hour within :data:`EMAIL_HOURS`."""
EMAIL_CURVE_OTHER_HOURS = 0.3
"""Relative e-mail rate in an hour of :data:`EMAIL_HOURS` not in :data:`EMAIL_CURVE`."""
WALK_IN_CURVE = (1.5, 1.0, 0.9, 0.85, 0.8, 0.7)
"""Walk-in arrival rate per :data:`WALK_IN_CURVE_STEP_SECONDS` from opening (people queue at the
door); the last value repeats."""
WALK_IN_CURVE_STEP_SECONDS = 1800
"""Length of one step of :data:`WALK_IN_CURVE`, seconds."""

# ---------------------------------------------------------------- phone

MAIN_QUEUE_WEIGHT = 2
"""The first-listed (general) queue's weight relative to the 1, 1/2, 1/3 … of the others."""
EXPECTED_ANSWERED_SHARE = 0.9
"""Share of offered calls assumed answered when turning ``callbacks_per_working_day`` into an outcome share."""
MAX_CALLBACK_OUTCOME_SHARE = 0.5
"""Upper bound of the share of answered calls that end with ``callback_requested``."""
PHONE_STAFFING_SD = 0.08
PHONE_STAFFING_RANGE = (0.8, 1.15)
"""A day's staffing factor: normal around 1 with this standard deviation, clipped to the range."""
TALK_MEDIAN_SECONDS = 200.0
TALK_SIGMA = 0.6
"""Talk time is log-normal: median in seconds, sigma of its logarithm."""
TALK_SECONDS_RANGE = (15.0, 5400.0)
"""Shortest and longest talk time, seconds."""
WRAP_UP_SECONDS = 30
"""After-call work per answered call, seconds (the agent is busy, the caller is gone)."""
AGENT_OCCUPANCY = 0.9
"""Share of an agent's hour spent on calls; agents per hour = load ÷ occupancy."""
AGENT_ROUNDING = 0.5
"""Added to the staffed agent load before rounding (agents): round up from half an agent."""
CLOSING_OVERTIME_SECONDS = 600
"""How long the last hour's agents keep answering callers queued at closing time, seconds."""
SHORT_ABANDON_SHARE = 0.04
"""Share of callers who hang up within seconds (short abandons)."""
SHORT_ABANDON_PATIENCE_SECONDS = (0.5, 4.9)
"""Patience of a short abandon, seconds (uniform; below the norms' 5 s threshold)."""
MIN_PATIENCE_SECONDS = 5
PATIENCE_MEAN_SECONDS = 150.0
"""Patience of other callers: the minimum plus an exponential wait with this mean, seconds."""
TRANSFERRED_SHARE = 0.75
"""Share ``transferred`` of the calls that end neither resolved nor with a callback (the rest ``other``)."""
CALLBACK_REQUEST_DELAY_SECONDS = (5, 90)
"""Time between the end of a call and its ``callback.requested``, seconds."""
PHONE_SURVEY_DELAY_SECONDS = (20, 90)
"""Time between the end of a call and its survey answer, seconds."""

# ---------------------------------------------------------------- callbacks

CALLBACK_CANCEL_SHARE = 0.03
CALLBACK_CANCEL_AFTER_SECONDS = (600, 86400)
"""Share of callbacks cancelled, and their time from request to cancellation, seconds."""
CALLBACK_DONE_WITHIN = ((0.5, 0), (0.85, 1), (0.95, 2))
"""(cumulative share, working days after the clock starts) of completed callbacks: half the
same working day, most within 2 working days; the rest :data:`CALLBACK_LATE_WORKING_DAYS`."""
CALLBACK_LATE_WORKING_DAYS = (3, 6)
"""Working days after the clock starts for the late callbacks (uniform, whole days)."""
CALLBACK_MIN_SECONDS = 60
"""A callback is completed at least this long after its request and before the office closes, seconds."""

# ---------------------------------------------------------------- counter

PEAK_CAPACITY_FOLLOW = 0.5
"""Share of a peak month's extra demand that extra desks absorb (waits grow in peak months)."""
COUNTER_STAFFING_SD = 0.06
COUNTER_STAFFING_RANGE = (0.85, 1.15)
"""A day's desk staffing factor: normal around 1 with this standard deviation, clipped to the range."""
WALK_IN_MEDIAN_SECONDS = 420.0
WALK_IN_SERVICE_SIGMA = 0.5
"""Walk-in service time is log-normal: median in seconds, sigma of its logarithm."""
WALK_IN_DESK_OCCUPANCY = 0.85
WALK_IN_DESK_ROUNDING = 0.4
"""Walk-in desks = expected work ÷ open time ÷ occupancy (× capacity, staffing) + rounding, rounded."""
APPOINTMENT_MEDIAN_SECONDS = 480.0
APPOINTMENT_SERVICE_SIGMA = 0.4
"""Appointment service time is log-normal: median in seconds, sigma of its logarithm."""
APPOINTMENT_DESK_OCCUPANCY = 0.92
"""Share of appointment slots booked on an average day (desks = bookings ÷ slots ÷ this, rounded up)."""
MAX_VISIT_SERVICE_SECONDS = 3600.0
"""Longest service at a desk, seconds."""
DESK_OVERTIME_SECONDS = 3600
"""How long desks keep serving visitors queued at the end of their hours, seconds."""
SLOT_MINUTES = 10
"""Length of an appointment slot, minutes."""
NO_SHOW_SHARE = 0.05
NO_SHOW_AFTER_SECONDS = 900
"""Share of appointments nobody comes to, and when after the slot ``visit.no_show`` is recorded, seconds."""
APPOINTMENT_LATE_SHARE = 0.1
APPOINTMENT_LATE_SECONDS = (60, 900)
"""Share of visitors arriving after their slot, and by how much, seconds."""
APPOINTMENT_EARLY_MEAN_SECONDS = 420
APPOINTMENT_EARLY_SD_SECONDS = 300
APPOINTMENT_EARLY_MAX_SECONDS = 2400
"""The others arrive early: normal with this mean and standard deviation, at most this early, seconds."""
COUNTER_SURVEY_DELAY_SECONDS = (600, 4 * 3600)
"""Time between a completed visit and its survey answer, seconds."""

PRODUCT_WEIGHT = {"reisdocument": 0.095, "rijbewijs": 0.2, "uittreksel": 0.15, "verhuizing": 0.12,
                  "parkeervergunning": 0.1, "gevonden-voorwerp": 0.03, "vergunning": 0.08,
                  "uitkering": 0.08, "klacht": 0.04}
"""Base product mix of counter visits and e-forms; a product not listed weighs :data:`OTHER_PRODUCT_WEIGHT`.
A peak month's extra visits are all travel documents: Groningen 2026 (seed 002 expects
≈ 43,000 travel documents) gets 41,263 travel-document check-ins of 172,163 (seed 1,
measured), the rest of its ≈ 43,000 bookings being no-shows."""
OTHER_PRODUCT_WEIGHT = 0.1

# ---------------------------------------------------------------- letters

POST_SHARE = 0.45
"""Share of letters that arrive by post (the rest by e-mail)."""
POST_HOURS = (9 * 3600, 12 * 3600)
EMAIL_HOURS = (7 * 3600, 23 * 3600)
"""When post is registered and e-mail arrives: local wall-clock seconds after midnight."""
DEFAULT_LETTER_TERM_WORKING_DAYS = {"post": 15, "email": 5}
"""Answer term of a channel the municipality configures no term for, working days."""
LETTER_OWN_DUE_SHARE = 0.05
LETTER_OWN_DUE_DAYS = 42
"""Share of letters that carry their own ``due_at``, that many calendar days after arrival."""
LETTER_LATE_SHARE = 0.1
LETTER_LATE_SECONDS = (3600, 10 * 86400)
"""Share of letters answered after their due time, and how late, seconds."""
LETTER_ANSWER_BETA = (2.0, 1.6)
LETTER_ANSWER_MAX_FRACTION = 0.98
"""Others are answered this Beta(a, b) fraction of their term after the clock starts, at most this fraction."""
LETTER_NEXT_OPENING_SECONDS = (0, 1800)
"""An answer that falls outside office hours goes out this long after the next opening, seconds."""
LETTER_MIN_ANSWER_SECONDS = 600
"""An answer leaves at least this long after the letter arrived, seconds."""
EMAIL_SURVEY_DELAY_SECONDS = (3600, 48 * 3600)
"""Time between an answered e-mail and its survey answer, seconds."""

# ---------------------------------------------------------------- e-forms and surveys

DEFAULT_DIGITAL_PRODUCTS = ("eformulier",)
"""The product of e-forms of a municipality that lists no products."""
DIGITAL_SURVEY_DELAY_SECONDS = (5, 180)
"""Time between a completed e-form and its survey answer, seconds."""

SURVEY = {"counter": (0.07, 8.6, 1.0), "phone": (0.09, 8.0, 1.1), "website": (0.3, 8.3, 1.2),
          "email": (0.15, 8.0, 1.2)}
"""Per channel: (share of dissatisfied answers, graded 1-5 uniformly; mean and sd of the others' grade).
Overall means ≈ counter 8.2, phone 7.5, website 6.7, e-mail 7.2, and ≈ 92 % / 90 % / 65 %
positive: the seeds report counters 8.0-8.7 and 90-92 % positive, phone 7.3-8.2, website ~7
and 54-60 % positive (website feedback comes mostly from people who did not find something)."""
DEFAULT_DEPARTMENTS = ("kcc",)
"""Department of callbacks and letters of a municipality that lists none."""
