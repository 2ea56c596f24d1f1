#!/bin/bash
# Runs INSIDE the OpenStack host (lab/openstack/host.py starts it with nsenter):
# configures and starts Debian's OpenStack Zed services, one worker each, and
# creates the lab's cloud: three availability zones (nova host aggregates, one
# fake compute host each; cinder backends with backend_availability_zone),
# a project and user for the tests, flavors, an image and the NFS shares.
# Idempotent: each step is safe to run again (`lab openstack up` on a running host).
set -euo pipefail
set -a; . /etc/metrostor-openstack.env; set +a   # OS_IP, MOS_DB_PASSWORD, MOS_RABBIT_PASSWORD, MOS_SERVICE_PASSWORD, MOS_ADMIN_PASSWORD, MOS_USER_PASSWORD
SITES="a b c"
DB="mysql+pymysql://openstack:${MOS_DB_PASSWORD}@127.0.0.1"
RABBIT="rabbit://openstack:${MOS_RABBIT_PASSWORD}@127.0.0.1:5672/"
KS="http://${OS_IP}:5000"
set_ini() { crudini --set "$@"; }
# once NAME COMMAND...: one-time steps (database schemas, keys) are not repeated on a running host.
mkdir -p /var/lib/metrostor-openstack
once() { local mark=/var/lib/metrostor-openstack/$1.done; shift; [ -e "$mark" ] || { "$@" && touch "$mark"; }; }
say() { echo "setup: $*"; }

# Lean: nothing this host does not use (no LVM, iSCSI or targets: cinder runs the NFS driver).
systemctl disable --now ssh lvm2-monitor blk-availability rtslib-fb-targetctl iscsid.socket dm-event.socket \
  lvm2-lvmpolld.socket apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer >/dev/null 2>&1 || true

# --- MariaDB, RabbitMQ ---------------------------------------------------------
cat > /etc/mysql/mariadb.conf.d/99-openstack.cnf <<EOF
[mysqld]
bind-address = 127.0.0.1
max_connections = 500
innodb_buffer_pool_size = 128M
performance_schema = off
EOF
systemctl enable --now mariadb >/dev/null 2>&1
for db in keystone glance placement nova_api nova nova_cell0 neutron cinder; do
  mysql -e "CREATE DATABASE IF NOT EXISTS ${db}"
done
mysql -e "CREATE USER IF NOT EXISTS 'openstack'@'127.0.0.1' IDENTIFIED BY '${MOS_DB_PASSWORD}';
          GRANT ALL PRIVILEGES ON *.* TO 'openstack'@'127.0.0.1'; FLUSH PRIVILEGES;"
mkdir -p /etc/rabbitmq
cat > /etc/rabbitmq/rabbitmq-env.conf <<EOF
NODE_IP_ADDRESS=127.0.0.1
SERVER_ADDITIONAL_ERL_ARGS="+S 1:1 +A 4"
EOF
systemctl enable --now rabbitmq-server >/dev/null 2>&1
users=$(rabbitmqctl list_users -q)
grep -q '^openstack' <<<"$users" || rabbitmqctl add_user openstack "${MOS_RABBIT_PASSWORD}" >/dev/null
rabbitmqctl set_permissions openstack ".*" ".*" ".*" >/dev/null
say "mariadb and rabbitmq up"

# --- common settings -----------------------------------------------------------
authtoken() {  # FILE: keystone_authtoken for service user $2
  set_ini "$1" keystone_authtoken www_authenticate_uri "${KS}"
  set_ini "$1" keystone_authtoken auth_url "${KS}"
  set_ini "$1" keystone_authtoken auth_type password
  set_ini "$1" keystone_authtoken project_domain_name Default
  set_ini "$1" keystone_authtoken user_domain_name Default
  set_ini "$1" keystone_authtoken project_name service
  set_ini "$1" keystone_authtoken username "$2"
  set_ini "$1" keystone_authtoken password "${MOS_SERVICE_PASSWORD}"
  set_ini "$1" keystone_authtoken region_name RegionOne
  set_ini "$1" keystone_authtoken service_token_roles_required true
}
service_auth() {  # FILE SECTION: a service client section (placement, neutron, nova, ...)
  set_ini "$1" "$2" auth_type password
  set_ini "$1" "$2" auth_url "${KS}"
  set_ini "$1" "$2" project_domain_name Default
  set_ini "$1" "$2" user_domain_name Default
  set_ini "$1" "$2" project_name service
  set_ini "$1" "$2" username "$3"
  set_ini "$1" "$2" password "${MOS_SERVICE_PASSWORD}"
  set_ini "$1" "$2" region_name RegionOne
}
uwsgi_one_worker() { [ -f "$1" ] && set_ini "$1" uwsgi processes 1 && set_ini "$1" uwsgi threads "${2:-4}"; true; }

# --- Keystone --------------------------------------------------------------------
K=/etc/keystone/keystone.conf
set_ini $K database connection "${DB}/keystone"
set_ini $K token provider fernet
# Every Ansible task authenticates anew: bcrypt's default 12 rounds cost seconds per token on a busy machine.
set_ini $K identity password_hash_rounds 4
uwsgi_one_worker /etc/keystone/keystone-uwsgi.ini
once keystone-db su -s /bin/sh keystone -c "keystone-manage db_sync"
[ -d /etc/keystone/fernet-keys ] || keystone-manage fernet_setup --keystone-user keystone --keystone-group keystone
[ -d /etc/keystone/credential-keys ] || keystone-manage credential_setup --keystone-user keystone --keystone-group keystone
keystone-manage bootstrap --bootstrap-password "${MOS_ADMIN_PASSWORD}" \
  --bootstrap-admin-url "${KS}/v3/" --bootstrap-internal-url "${KS}/v3/" --bootstrap-public-url "${KS}/v3/" \
  --bootstrap-region-id RegionOne >/dev/null
systemctl enable --now keystone >/dev/null 2>&1
export OS_AUTH_URL="${KS}/v3" OS_USERNAME=admin OS_PASSWORD="${MOS_ADMIN_PASSWORD}" OS_PROJECT_NAME=admin \
  OS_USER_DOMAIN_NAME=Default OS_PROJECT_DOMAIN_NAME=Default OS_IDENTITY_API_VERSION=3 OS_REGION_NAME=RegionOne
for i in $(seq 60); do openstack token issue -f value -c id >/dev/null 2>&1 && break; sleep 2; done
say "keystone up"

python3 /srv/metrostor-openstack/catalog.py identity

# --- Glance, Placement -------------------------------------------------------------
G=/etc/glance/glance-api.conf
set_ini $G database connection "${DB}/glance"
authtoken $G glance
set_ini $G paste_deploy flavor keystone
set_ini $G DEFAULT workers 1
set_ini $G DEFAULT enabled_backends "file:file"
set_ini $G glance_store default_backend file
set_ini $G file filesystem_store_datadir /var/lib/glance/images/
uwsgi_one_worker /etc/glance/glance-api-uwsgi.ini
once glance-db su -s /bin/sh glance -c "glance-manage db_sync" >/dev/null 2>&1
P=/etc/placement/placement.conf
set_ini $P placement_database connection "${DB}/placement"
set_ini $P api auth_strategy keystone
authtoken $P placement
uwsgi_one_worker /etc/placement/placement-uwsgi.ini
once placement-db su -s /bin/sh placement -c "placement-manage db sync"
systemctl enable --now glance-api placement-api >/dev/null 2>&1
say "glance and placement started"

# --- Nova: api, conductor, scheduler, one fake compute host per site ------------------
N=/etc/nova/nova.conf
set_ini $N DEFAULT transport_url "${RABBIT}"
set_ini $N DEFAULT my_ip "${OS_IP}"
set_ini $N DEFAULT enabled_apis osapi_compute
set_ini $N DEFAULT osapi_compute_workers 1
set_ini $N DEFAULT compute_driver fake.FakeDriver
set_ini $N DEFAULT vif_plugging_is_fatal false
set_ini $N DEFAULT vif_plugging_timeout 0
set_ini $N DEFAULT default_availability_zone nova
set_ini $N api_database connection "${DB}/nova_api"
set_ini $N database connection "${DB}/nova"
set_ini $N api auth_strategy keystone
authtoken $N nova
service_auth $N placement placement
service_auth $N neutron neutron
set_ini $N glance api_servers "http://${OS_IP}:9292"
set_ini $N cinder os_region_name RegionOne
# A volume is attached only to a server of its own availability zone (site).
set_ini $N cinder cross_az_attach false
set_ini $N conductor workers 1
set_ini $N scheduler workers 1
set_ini $N scheduler discover_hosts_in_cells_interval -1
set_ini $N vnc enabled false
set_ini $N oslo_concurrency lock_path /var/lib/nova/tmp
set_ini $N service_user send_service_user_token true
service_auth $N service_user nova
uwsgi_one_worker /etc/nova/nova-api-uwsgi.ini 1
once nova-api-db su -s /bin/sh nova -c "nova-manage api_db sync"
once nova-cell0 su -s /bin/sh nova -c "nova-manage cell_v2 map_cell0" >/dev/null
cells=$(su -s /bin/sh nova -c "nova-manage cell_v2 list_cells" 2>/dev/null)
grep -q ' cell1 ' <<<"$cells" || su -s /bin/sh nova -c "nova-manage cell_v2 create_cell --name=cell1" >/dev/null
once nova-db su -s /bin/sh nova -c "nova-manage db sync" >/dev/null 2>&1
for site in $SITES; do
  cat > /etc/nova/nova-compute-$site.conf <<EOF
[DEFAULT]
host = compute-$site
state_path = /var/lib/nova/compute-$site
EOF
  install -d -o nova -g nova /var/lib/nova/compute-$site
done
cat > /etc/systemd/system/mos-nova-compute@.service <<'EOF'
[Unit]
Description=OpenStack Nova fake compute host compute-%i (lab)
After=rabbitmq-server.service nova-conductor.service
[Service]
User=nova
Group=nova
ExecStart=/usr/bin/nova-compute --config-file=/etc/nova/nova.conf --config-file=/etc/nova/nova-compute-%i.conf --log-file=/var/log/nova/nova-compute-%i.log
Restart=on-failure
[Install]
WantedBy=multi-user.target
EOF
systemctl daemon-reload
systemctl disable --now nova-compute >/dev/null 2>&1 || true
systemctl enable --now nova-api nova-conductor nova-scheduler >/dev/null 2>&1
for site in $SITES; do systemctl enable --now mos-nova-compute@$site >/dev/null 2>&1; done
say "nova started"

# --- Neutron: ML2 (vlan tenant networks on a veth, no kernel vlan needed until a port is plugged),
#     the linuxbridge agent once per fake compute host so that ports bind there ----------------
Q=/etc/neutron/neutron.conf
set_ini $Q DEFAULT core_plugin ml2
set_ini $Q DEFAULT service_plugins ""
set_ini $Q DEFAULT transport_url "${RABBIT}"
set_ini $Q DEFAULT auth_strategy keystone
set_ini $Q DEFAULT api_workers 1
set_ini $Q DEFAULT rpc_workers 1
set_ini $Q DEFAULT rpc_state_report_workers 1
set_ini $Q DEFAULT agent_down_time 120
set_ini $Q DEFAULT notify_nova_on_port_status_changes true
set_ini $Q DEFAULT notify_nova_on_port_data_changes true
set_ini $Q database connection "${DB}/neutron"
authtoken $Q neutron
service_auth $Q nova nova
set_ini $Q oslo_concurrency lock_path /var/lib/neutron/tmp
# Zed marks the linuxbridge mechanism driver and agent experimental: the server refuses it unless enabled.
set_ini $Q experimental linuxbridge true
M=/etc/neutron/plugins/ml2/ml2_conf.ini
set_ini $M ml2 type_drivers flat,vlan
set_ini $M ml2 tenant_network_types vlan
set_ini $M ml2 mechanism_drivers linuxbridge
set_ini $M ml2 extension_drivers port_security
set_ini $M ml2_type_vlan network_vlan_ranges physnet1:100:199
set_ini $M ml2_type_flat flat_networks physnet1
L=/etc/neutron/plugins/ml2/linuxbridge_agent.ini
set_ini $L linux_bridge physical_interface_mappings physnet1:physnet1
set_ini $L vxlan enable_vxlan false
set_ini $L securitygroup enable_security_group true
set_ini $L securitygroup firewall_driver iptables
set_ini $L agent polling_interval 10
set_ini $L agent report_interval 30
uwsgi_one_worker /etc/neutron/neutron-api-uwsgi.ini 1  # eventlet under uwsgi threads: "greenlet.error: cannot switch to a different thread", then the API hangs
once neutron-db su -s /bin/sh neutron -c "neutron-db-manage --config-file $Q --config-file $M upgrade head" >/dev/null 2>&1
for site in $SITES; do
  printf '[DEFAULT]\nhost = compute-%s\n' "$site" > /etc/neutron/linuxbridge-compute-$site.conf
done
cat > /etc/systemd/system/mos-neutron-linuxbridge@.service <<'EOF'
[Unit]
Description=OpenStack Neutron linuxbridge agent for compute-%i (lab)
After=rabbitmq-server.service neutron-rpc-server.service
[Service]
User=neutron
Group=neutron
ExecStart=/usr/bin/neutron-linuxbridge-agent --config-file=/etc/neutron/neutron.conf --config-file=/etc/neutron/plugins/ml2/linuxbridge_agent.ini --config-file=/etc/neutron/linuxbridge-compute-%i.conf --log-file=/var/log/neutron/linuxbridge-%i.log
Restart=on-failure
[Install]
WantedBy=multi-user.target
EOF
systemctl daemon-reload
systemctl disable --now neutron-linuxbridge-agent >/dev/null 2>&1 || true
systemctl enable --now neutron-api neutron-rpc-server >/dev/null 2>&1
for site in $SITES; do systemctl enable --now mos-neutron-linuxbridge@$site >/dev/null 2>&1; done
say "neutron started"

# --- Cinder: one NFS backend per site, each in its own availability zone ------------------
C=/etc/cinder/cinder.conf
set_ini $C DEFAULT transport_url "${RABBIT}"
set_ini $C DEFAULT auth_strategy keystone
set_ini $C DEFAULT my_ip "${OS_IP}"
set_ini $C DEFAULT osapi_volume_workers 1
set_ini $C DEFAULT glance_api_servers "http://${OS_IP}:9292"
set_ini $C DEFAULT enabled_backends "site-a,site-b,site-c"
set_ini $C DEFAULT storage_availability_zone az-a
set_ini $C DEFAULT default_availability_zone az-a
set_ini $C database connection "${DB}/cinder"
authtoken $C cinder
service_auth $C nova nova
set_ini $C oslo_concurrency lock_path /var/lib/cinder/tmp
uwsgi_one_worker /etc/cinder/cinder-api-uwsgi.ini
for site in $SITES; do
  share="${OS_IP}:/srv/cinder/site-$site"
  echo "$share" > /etc/cinder/nfs-shares-site-$site
  set_ini $C site-$site volume_driver cinder.volume.drivers.nfs.NfsDriver
  set_ini $C site-$site volume_backend_name site-$site
  set_ini $C site-$site backend_availability_zone az-$site
  set_ini $C site-$site nfs_shares_config /etc/cinder/nfs-shares-site-$site
  set_ini $C site-$site nfs_mount_point_base /var/lib/cinder/mnt
  set_ini $C site-$site nfs_sparsed_volumes true
  set_ini $C site-$site nfs_snapshot_support false
  # "Secure" NAS mode: the driver works on its files as the cinder user, without a rootwrap call per
  # command (each one a new Python process: about a minute per volume on a busy 2-core machine).
  set_ini $C site-$site nas_secure_file_operations true
  set_ini $C site-$site nas_secure_file_permissions true
  # This kernel has no NFS client (mount.nfs: No such device): the share's directory is bound
  # where the driver mounts it (os-brick skips mounting a path that is already a mount point).
  mnt="/var/lib/cinder/mnt/$(printf '%s' "$share" | md5sum | cut -d' ' -f1)"
  install -d -o cinder -g cinder "/srv/cinder/site-$site" "$mnt"
  mountpoint -q "$mnt" || mount --bind "/srv/cinder/site-$site" "$mnt"
done
once cinder-db su -s /bin/sh cinder -c "cinder-manage db sync" >/dev/null 2>&1
systemctl enable --now cinder-api cinder-scheduler cinder-volume >/dev/null 2>&1
say "cinder started"

# --- the lab cloud: availability zones (one aggregate per fake compute host), flavors, image ------
python3 /srv/metrostor-openstack/catalog.py wait
su -s /bin/sh nova -c "nova-manage cell_v2 discover_hosts" >/dev/null
python3 /srv/metrostor-openstack/catalog.py cloud
