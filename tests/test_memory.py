"""The garbage collector as a portal process sets it once started (chizai_portal/memory.py)."""

import gc

from chizai_portal.memory import THRESHOLDS, settle_after_start


def test_a_started_process_keeps_what_it_loaded_out_of_the_collectors_sight():
    before = gc.get_threshold()
    try:
        settle_after_start()
        assert gc.get_threshold() == THRESHOLDS
        assert gc.get_freeze_count() > 1000  # the modules, settings and URL patterns loaded
        assert gc.isenabled()  # cycles are still collected, only less often
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
