"""The collector's thresholds are raised while any bulk job runs, and put back when the last one ends."""

import gc

import pytest

from shared.collector import BULK_THRESHOLD, fewer_collections


def test_overlapping_jobs_restore_the_thresholds_only_when_the_last_one_ends():
    before = gc.get_threshold()
    first, second = fewer_collections(), fewer_collections()
    first.__enter__()
    second.__enter__()
    assert gc.get_threshold() == (BULK_THRESHOLD, *before[1:])
    first.__exit__(None, None, None)
    assert gc.get_threshold()[0] == BULK_THRESHOLD
    second.__exit__(None, None, None)
    assert gc.get_threshold() == before


def test_a_failed_job_restores_the_thresholds():
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), fewer_collections():
        raise RuntimeError("the sheet could not be read")
    assert gc.get_threshold() == before
