"""The heketi role's server-wide volume options: heketi_volume_tls adds I/O encryption to every volume
Heketi creates (rendered here from the role's template; tests/unit/plugins/modules/test_heketi_volumes.py
shows the real Heketi server putting them on a new volume), and an option with a comma, which Heketi
would cut in pieces, is refused before anything changes."""
import json

from tests.integration.ansible_playbook import run_playbook

STRETCH = ["network.ping-timeout 4", "cluster.quorum-type auto", "cluster.server-quorum-type server"]


def rendered(tmp_path, *extra):
    dest = tmp_path / "heketi.json"
    result = run_playbook(["tests/integration/playbooks/render_heketi_config.yml",
                           "-e", "render_heketi_config_dest=%s" % dest] + list(extra))
    assert result["rc"] == 0, result["out"][-3000:]
    return json.loads(dest.read_text())["glusterfs"]


def test_volume_tls_adds_encryption_after_the_stretch_options(tmp_path):
    assert rendered(tmp_path)["pre_request_volume_options"] == ",".join(STRETCH)
    tls = rendered(tmp_path, "-e", "heketi_volume_tls=true")
    assert tls["pre_request_volume_options"] == ",".join(STRETCH + ["client.ssl on", "server.ssl on"])
    assert tls["block_hosting_volume_options"] == "group gluster-block"


def test_an_option_with_a_comma_is_refused_before_anything_changes(tmp_path):
    playbook = tmp_path / "heketi_comma.yml"
    playbook.write_text("""---
- hosts: localhost
  gather_facts: false
  roles:
    - role: metrostor.gluster.heketi
      heketi_use_auth: false
      heketi_install_from: package
      heketi_volume_options: ["network.ping-timeout 4", "auth.allow 10.0.1.0/24,10.0.2.0/24"]
""")
    result = run_playbook([str(playbook), "--check"])
    assert result["rc"] != 0 and result["failed"] == 1 and result["changed"] == 0, result["out"][-3000:]
    out = " ".join(result["out"].split())
    assert "Refuse a volume option with a comma" in out, out[-3000:]
    assert "cut in pieces: auth.allow 10.0.1.0/24,10.0.2.0/24." in out, out[-3000:]
