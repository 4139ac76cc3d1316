from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from kpis.models import Actual, Indicator, Target


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
