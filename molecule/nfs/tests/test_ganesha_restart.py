"""A changed ganesha.conf restarts Ganesha through the role's handler (stop, wait for the old
daemon to exit: its unit stops it with an asynchronous D-Bus call, start): afterwards exactly
one ganesha.nfsd runs, a new one, with the new configuration, and it serves NFS again.
Runs on the head in site b only (the other head keeps the floating address meanwhile)."""
import time

testinfra_hosts = ["gl-b1"]
HANDLER = "RUNNING HANDLER [metrostor.gluster.nfs_ganesha : Restart nfs-ganesha]"


def ganesha_pids(host):
    return host.run("pgrep -x ganesha.nfsd").stdout.split()


def serves_nfs(host, timeout=30):
    for _attempt in range(timeout):
        out = host.run("rpcinfo -p 127.0.0.1").stdout
        if " 100003 " in out and " 100005 " in out:
            return True
        time.sleep(1)
    return False


def converge_b1(playbook, *extra):
    rc, out, recap = playbook("--limit", "gl-b1", *extra, playbook="playbooks/nfs.yml")
    assert rc == 0, out[-3000:]
    return out, recap


def test_changed_config_restarts_ganesha_once(playbook, host):
    before = ganesha_pids(host)
    assert len(before) == 1, before
    try:
        out, recap = converge_b1(playbook, "-e", "nfs_ganesha_log_level=INFO")
        assert HANDLER in out and recap["gl-b1"]["changed"] >= 1, out[-3000:]
        after = ganesha_pids(host)
        assert len(after) == 1 and after != before, (before, after)
        assert "Default_Log_Level = INFO;" in host.file("/etc/ganesha/ganesha.conf").content_string
        assert host.service("nfs-ganesha").is_running
        assert serves_nfs(host), host.run("rpcinfo -p 127.0.0.1").stdout
    finally:
        # back to the inventory's configuration: the handler restarts Ganesha again
        out, _recap = converge_b1(playbook)
    assert HANDLER in out, out[-3000:]
    assert len(ganesha_pids(host)) == 1 and serves_nfs(host)
    assert "Default_Log_Level = EVENT;" in host.file("/etc/ganesha/ganesha.conf").content_string
