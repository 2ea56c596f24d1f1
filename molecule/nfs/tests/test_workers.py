"""The Kubernetes workers of both data sites mount the stretched volume over FUSE, and read and
write it over NFS through the floating address with libnfs (userspace: this lab's kernel has no
NFS client, so a kernel NFS mount cannot be made here; where the kernel has one, it is used)."""
import pytest

testinfra_hosts = ["k8s-a1", "k8s-b1"]
FLOATING = "10.77.10.50"
SERVERS = {"k8s-a1": "10.77.1.11", "k8s-b1": "10.77.2.11"}


@pytest.fixture
def fuse_mount(host):
    mnt = "/mnt/metrostor-nfs-fuse"
    host.run_test("mkdir -p %s" % mnt)
    host.run_test("mount -t glusterfs -o backup-volfile-servers=10.77.3.11 %s:/nfs %s"
                  % (SERVERS[host.backend.get_hostname()], mnt))
    yield mnt
    host.run("umount %s" % mnt)


def test_clients_installed(host):
    for pkg in ("glusterfs-client", "nfs-common", "libnfs-utils"):
        assert host.package(pkg).is_installed, pkg
    assert host.file("/sbin/mount.glusterfs").exists and host.file("/sbin/mount.nfs").exists


def test_fuse_mount_and_nfs_read_write(host, fuse_mount):
    name = "worker-%s.txt" % host.backend.get_hostname()
    text = "written over FUSE by %s" % host.backend.get_hostname()
    host.run_test("echo '%s' > %s/%s && sync" % (text, fuse_mount, name))
    # read over NFS (NFSv3, libnfs) through the floating address
    assert host.check_output("nfs-cat nfs://%s/nfs/%s" % (FLOATING, name)) == text
    # write over NFS, read over FUSE
    back = "nfs-" + name
    host.run_test("echo 'written over NFS' > /tmp/%s && nfs-cp /tmp/%s nfs://%s/nfs/%s" % (back, back, FLOATING, back))
    assert host.file("%s/%s" % (fuse_mount, back)).content_string.strip() == "written over NFS"
    host.run("rm -f %s/%s %s/%s /tmp/%s" % (fuse_mount, name, fuse_mount, back, back))


def test_kernel_nfs_mount_where_the_kernel_can(host):
    kernel_nfs = "nfs" in host.file("/proc/filesystems").content_string.split()
    mnt = "/mnt/metrostor-nfs-kernel"
    host.run_test("mkdir -p %s" % mnt)
    result = host.run("mount -t nfs -o nfsvers=4.1,hard %s:/nfs %s" % (FLOATING, mnt))
    if kernel_nfs:
        assert result.rc == 0, result.stderr
        host.run("umount %s" % mnt)
    else:  # this lab: the kernel has no NFS client, as the role reported
        assert result.rc != 0 and "No such device" in result.stderr, result.stderr
