"""Markers of the DR scenario's tests."""


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "dr_ci: in the CI stage of this scenario (molecule/dr_ci, run by tests/lab.sh): the drill's "
                   "unplanned failover and failback")
