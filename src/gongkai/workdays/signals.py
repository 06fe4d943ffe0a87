"""`calendar_changed`: sent inside the transaction of every write to the calendar, so that apps which store a date
counted on it (the catalog's Art. 26 due dates and 公示期) recompute those dates in the same transaction.

The workdays app sits below the apps that count on it and cannot import them; they connect a receiver in their
``AppConfig.ready``. Sent with `send`, not `send_robust`: a receiver's error rolls the calendar write back, so the
calendar and the stored dates never disagree.

Arguments: ``organisation`` (None: nationwide; else the change applies to its subtree), ``first`` and ``last``
(the dates whose working-day status or provisional flag may have changed, inclusive), ``actor``.
"""

from django.dispatch import Signal

calendar_changed = Signal()
