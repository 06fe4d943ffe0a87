"""Gap-free, never-reused serial numbers (申请编号, 索引号, …) that cannot fail under concurrency.

One function for every counter: `next_value(Model, "field", key=…)`. The counter row is incremented with
``UPDATE … SET field = field + 1`` and then read back, both inside one transaction:

* PostgreSQL: the UPDATE takes the row lock; a concurrent allocation waits for it and, under READ COMMITTED,
  re-reads the committed value and increments that (no compare-and-set that can lose, no retry needed).
  A missing row is created with get_or_create, which catches the IntegrityError of a concurrent creator
  inside a savepoint and then reads that creator's row.
* SQLite: settings open every transaction with BEGIN IMMEDIATE, so writers are serialised for the whole
  transaction and the read-back sees this transaction's increment.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F


def next_value(model, field: str, **key) -> int:
    """Increment the counter row of `model` identified by `key` (created at 0 when missing) and return the new
    value. Joins the caller's transaction, so a number is only used when the caller commits; the row lock is
    held until then."""
    with transaction.atomic():
        rows = model.objects.filter(**key)
        if not rows.update(**{field: F(field) + 1}):
            model.objects.get_or_create(**key)
            rows.update(**{field: F(field) + 1})
        return rows.values_list(field, flat=True).get()
