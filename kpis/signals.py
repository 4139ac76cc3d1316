"""What kpis sends and listens to.

Bulk writes (imports) send no post_save: they send `figures_written` instead, so that the apps above
this one (the dashboards' cache) hear of every change to figures without kpis knowing them.
"""

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import Signal, receiver

from kpis.models import Actual, Indicator, IndustrialVision, Kpi, Target
from kpis.stamps import raise_stamps
from plans.loading import plan_data_loaded, record_loaded_state

# Sent after targets or actuals were written in bulk (no post_save was sent for them).
figures_written = Signal()


def copy_measure(figure) -> None:
    """Give a target or actual its indicator's measure, so the database can check the value."""
    if type(figure).indicator.is_cached(figure):
        # Imports and forms already hold the indicator: no query per saved row.
        figure.measure = figure.indicator.measure
    else:
        figure.measure = Indicator.objects.values_list("measure", flat=True).get(pk=figure.indicator_id)


@receiver(pre_save, sender=Target)
@receiver(pre_save, sender=Actual)
def figure_takes_indicator_measure(sender, instance, **kwargs):
    copy_measure(instance)


@receiver(post_save, sender=Target)
@receiver(post_save, sender=Actual)
@receiver(post_delete, sender=Target)
@receiver(post_delete, sender=Actual)
def figure_change_raises_stamp(sender, instance, **kwargs):
    raise_stamps([instance.indicator_id])


@receiver(post_save, sender=Indicator)
def indicator_change_raises_stamp(sender, instance, **kwargs):
    # its rules (shape, direction, aggregation…) are part of what is judged
    raise_stamps([instance.pk])


@receiver(post_save, sender=Indicator)
def indicator_measure_change_reaches_figures(sender, instance, created, **kwargs):
    if created:
        return
    Target.objects.filter(indicator_id=instance.pk).exclude(measure=instance.measure).update(
        measure=instance.measure
    )
    Actual.objects.filter(indicator_id=instance.pk).exclude(measure=instance.measure).update(
        measure=instance.measure
    )


@receiver(plan_data_loaded)
def record_loaded_kpis(sender, **kwargs):
    for model in (IndustrialVision, Kpi, Indicator, Target, Actual):
        record_loaded_state(model)
