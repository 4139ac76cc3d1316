"""The benchmark's spread beside the floor (benchmarks/timing.py): the machine's drift, which slows a
page and the floor timed beside it alike, is taken out; a page's own slow requests are not."""

from benchmarks.timing import PageTiming


def timing(samples, floor) -> PageTiming:
    return PageTiming("page", "/", 200, 9, tuple(samples), floor_samples_ms=tuple(floor))


def test_a_slow_spell_of_the_machine_is_not_counted_against_the_page():
    # 60 requests; the machine twice as slow for the last 6, the floor beside them too
    page = timing([10.0] * 54 + [20.0] * 6, [4.0] * 54 + [8.0] * 6)

    assert page.spread == 2.0  # as timed: the p95 is in the slow spell
    assert page.spread_beside_floor == 1.0


def test_a_page_slow_on_its_own_keeps_its_spread_beside_the_floor():
    # every tenth request of the page twice as long (a collection, a recomputation); the floor steady
    samples = [20.0 if number % 10 == 9 else 10.0 for number in range(60)]
    page = timing(samples, [4.0] * 60)

    assert page.spread == 2.0
    assert page.spread_beside_floor == 2.0


def test_without_a_floor_for_every_request_there_is_no_spread_beside_it():
    assert timing([10.0, 11.0, 12.0], [4.0]).spread_beside_floor is None
    assert timing([10.0, 11.0, 12.0], [4.0, 4.0, 4.0]).spread_beside_floor is not None
