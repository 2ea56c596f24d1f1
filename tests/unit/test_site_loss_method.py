"""The site-loss method shared by lab/site_loss.py (FUSE) and lab/nfs_site_loss.py (NFS):
records, the stall and the lost-write count, computed the same way for both."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "lab"))

import records  # noqa: E402
import site_loss  # noqa: E402


def test_records_are_fixed_size_and_found_again():
    data = b"".join(records.record(i) for i in range(5))
    assert len(data) == 5 * records.RECORD
    assert records.present(data) == {0, 1, 2, 3, 4}


def test_torn_or_foreign_records_do_not_count():
    good = records.record(7)
    torn = records.record(8)[:100] + b"\0" * (records.RECORD - 100)
    wrong_digest = records.record(9)[:13] + b"0" * 64 + records.record(9)[77:]
    assert records.present(good + torn + wrong_digest + records.record(10)[:-1]) == {7}


def test_stall_is_the_longest_gap_from_the_cut_on():
    acks = [(0, 10.0), (1, 10.5), (2, 11.0), (3, 19.0), (4, 19.2)]
    assert site_loss.stall_after(acks, cut_at=10.8) == 8.0
    # nothing acknowledged after the cut: no finite stall can be claimed, or, with the end of the
    # run known, the stall lasts until it
    assert site_loss.stall_after(acks[:2], cut_at=12.0) == float("inf")
    assert site_loss.stall_after(acks[:2], cut_at=12.0, end=40.0) == 28.0
    assert site_loss.stall_after(acks, cut_at=10.8, end=19.5) == 8.0


def test_lost_are_acknowledged_records_missing_after_heal():
    acks = [(0, 1.0), (1, 2.0), (2, 3.0)]
    assert site_loss.lost(acks, {0, 2, 5}) == [1]
    assert site_loss.lost(acks, {0, 1, 2}) == []
