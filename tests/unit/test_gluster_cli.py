"""GlusterCli parses what the gluster CLI prints. The fixtures were recorded from
GlusterFS 10.3 on the lab (tests/unit/fixtures/gluster)."""
import os

import pytest

from ansible_collections.metrostor.gluster.plugins.module_utils.gluster_cli import GlusterCli, GlusterError
from ansible_collections.metrostor.gluster.plugins.modules.gluster_option import same

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures", "gluster")


def recorded(name):
    with open(os.path.join(FIXTURES, name)) as handle:
        return handle.read()


class RecordedModule(object):
    """Answers run_command with recorded gluster output, keyed by the subcommand."""

    def __init__(self, answers):
        self.answers = answers
        self.commands = []

    def get_bin_path(self, name, required=False):
        return "/usr/sbin/" + name

    def run_command(self, cmd):
        self.commands.append(cmd)
        key = " ".join(a for a in cmd[2:] if a != "--xml")
        rc, out = self.answers[key]
        return rc, out, ""


def cli(answers):
    return GlusterCli(RecordedModule(answers))


def test_arbiter_volume_info():
    info = cli({"volume info fx": (0, recorded("volume_info_arbiter.xml"))}).volume_info("fx")
    assert info["type"] == "Replicate" and info["status"] == "Started"
    assert info["replica"] == 3 and info["arbiter_count"] == 1
    assert info["bricks"] == ["10.77.1.11:/bricks/brick1/fx", "10.77.2.11:/bricks/brick1/fx",
                              "10.77.3.11:/bricks/brick1/fx"]
    assert info["arbiter_bricks"] == ["10.77.3.11:/bricks/brick1/fx"]
    assert info["options"]["network.ping-timeout"] == "4"


def test_missing_volume_is_none():
    assert cli({"volume info nosuch": (1, recorded("volume_info_missing.xml"))}).volume_info("nosuch") is None


def test_pool_list():
    peers = cli({"pool list": (0, recorded("pool_list.xml"))}).pool()
    names = sorted(p["hostname"] for p in peers)
    assert names == ["10.77.1.12", "10.77.2.11", "10.77.2.12", "10.77.3.11", "localhost"]
    assert all(p["connected"] for p in peers)


def test_volume_get_strips_default_marker():
    c = cli({"volume get fx network.ping-timeout": (0, recorded("volume_get.xml"))})
    assert c.volume_get("fx", "network.ping-timeout") == "4"


def test_volume_set_error_text():
    c = cli({"volume set fx no.such.option 1": (1, recorded("volume_set_error.xml"))})
    with pytest.raises(GlusterError) as err:
        c.volume_set("fx", "no.such.option", 1)
    assert "no.such.option does not exist" in str(err.value)


def test_version():
    assert cli({"--version": (0, recorded("version.txt"))}).version() == "10.3"


def test_missing_binary_is_clear():
    module = RecordedModule({})
    module.get_bin_path = lambda name, required=False: None
    with pytest.raises(GlusterError) as err:
        GlusterCli(module)
    assert "gluster command is not installed" in str(err.value)


@pytest.mark.parametrize("current,wanted,equal", [
    ("51", "51%", True), ("on", True, True), ("off", True, False), ("on", "yes", True), ("off", "disable", True),
    ("4", "4", True), ("42", "4", False), ("auto", "fixed", False)])
def test_option_comparison(current, wanted, equal):
    assert same(current, wanted) is equal
