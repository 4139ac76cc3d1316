"""Loading the documents' data (fixtures/) and giving every loaded object its first history record.

`loaddata` writes no history. Each app records its own loaded objects when `plan_data_loaded` is
sent (plans here, kpis and reports in their signal receivers), so that a first change of a loaded
figure or text shows the documents' value as "before".
"""

from django.dispatch import Signal

# The reason of that first record, which pages use to tell "as the documents give it" apart.
LOADED_REASON = "文書データの読込"

# Sent by `manage.py load_plan_data` inside its transaction, after the fixtures are loaded.
plan_data_loaded = Signal()


def record_loaded_state(model) -> int:
    """A history record for every object of `model` that has none yet."""
    without_history = model.objects.exclude(pk__in=model.history.values("id"))
    instances = list(without_history)
    model.history.bulk_history_create(instances, batch_size=500, default_change_reason=LOADED_REASON)
    return len(instances)
