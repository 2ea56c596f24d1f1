"""The records the lab's site-loss experiments write, and how they are found again.

Each record is RECORD bytes: a 12-digit sequence number, the sha256 of it,
padding and a newline, so a record read back is either intact (its number
and digest agree) or not counted.  Record N sits at offset N * RECORD.
Used on the control node (lab/site_loss.py) and copied to a lab host with
lab/nfs_writer.py.
"""
import hashlib

RECORD = 512


def record(seq):
    body = ("%012d" % seq).encode()
    digest = hashlib.sha256(body).hexdigest().encode()
    return (body + b" " + digest).ljust(RECORD - 1, b".") + b"\n"


def present(data):
    """Sequence numbers of the intact records in data (read from offset 0)."""
    found = set()
    for i in range(0, len(data) - RECORD + 1, RECORD):
        rec = data[i:i + RECORD]
        if rec[:12].isdigit() and rec == record(int(rec[:12])):
            found.add(int(rec[:12]))
    return found
