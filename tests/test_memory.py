"""The garbage collector as a portal process sets it once started (chizai_portal/memory.py)."""

import gc
import weakref

import pytest
from django.core.signals import request_finished

from chizai_portal.memory import (
    COLLECT_AFTER_RESPONSE,
    FULL_AFTER,
    THRESHOLDS,
    collect_after_response,
    settle_after_start,
)


class Node:
    """An object in a reference cycle: only the cyclic collector frees it."""

    def __init__(self):
        self.me = self


@pytest.fixture
def started_process():
    before = gc.get_threshold()
    try:
        settle_after_start()
        yield
    finally:
        request_finished.disconnect(collect_after_response, dispatch_uid=COLLECT_AFTER_RESPONSE)
        gc.unfreeze()
        gc.set_threshold(*before)


def test_a_started_process_keeps_what_it_loaded_out_of_the_collectors_sight(started_process):
    assert gc.get_threshold() == THRESHOLDS
    assert gc.get_freeze_count() > 1000  # the modules, settings and URL patterns loaded
    assert gc.isenabled()  # cycles are still collected, only less often
    # the full collection waits for the response to be sent
    assert request_finished.disconnect(collect_after_response, dispatch_uid=COLLECT_AFTER_RESPONSE)


def old_garbage() -> weakref.ref:
    """A cycle moved to the oldest generation by the young collections, then dropped: garbage that
    only a full collection frees."""
    node = Node()
    gc.collect(1)  # the young generations collected: the cycle, still in use, moves to the oldest
    found = weakref.ref(node)
    del node
    return found


def test_a_request_that_left_garbage_in_the_oldest_generation_is_followed_by_a_full_collection(
    started_process,
):
    garbage = old_garbage()
    assert garbage() is not None and gc.get_count()[2] > 0

    collect_after_response()  # as request_finished runs it once the response was sent

    assert garbage() is None
    assert gc.get_count()[2] == 0


@pytest.fixture
def collections():
    """The generation of every collection that starts while the test runs."""
    started = []

    def record(phase, info):
        if phase == "start":
            started.append(info["generation"])

    gc.callbacks.append(record)
    try:
        yield started
    finally:
        gc.callbacks.remove(record)


def young_garbage() -> weakref.ref:
    node = Node()
    found = weakref.ref(node)
    del node
    return found


def test_a_request_that_moved_nothing_to_the_oldest_generation_is_followed_by_a_young_collection(
    started_process, collections
):
    gc.collect()
    collections.clear()
    garbage = young_garbage()
    still_in_use = [{} for _ in range(500)]
    assert gc.get_count()[0] >= len(still_in_use)

    collect_after_response()

    assert garbage() is None  # the young cycle freed…
    assert collections == [0]  # …by a collection of the youngest generation alone
    assert gc.get_count()[0] < 10  # the next request starts with its count (near) zero
    assert len(still_in_use) == 500


def test_young_collections_between_requests_never_add_up_to_a_full_collection_in_a_request(
    started_process, collections
):
    gc.collect()
    collections.clear()
    for _request in range((THRESHOLDS[1] + 1) * FULL_AFTER + 1):
        young_garbage()
        collect_after_response()

    # after five of the youngest one of the middle generation, moving what lives on to the oldest…
    assert collections.count(1) == FULL_AFTER
    # …which is collected after FULL_AFTER of them, once, between requests
    assert collections.count(2) == 1
    assert collections[-1] == 2
