#!/usr/bin/env bash
# The lab deployed with the hardened inventory (inventories/lab_hardened layered over
# inventories/lab/hosts.yml), then the strict security check on it.  On the deployed lab (lab/lab up,
# playbooks/site.yml; molecule/dr may have left drvol geo-replicated to gl-d1).  Each step is one
# command, to be run under the lab lock with a timeout, e.g.
#   flock /tmp/metrostor-lab.lock timeout 300 bash tests/lab-security-hardened.sh apply
# Steps, in order (logs in .lab/security-hardened/):
#   state       the volumes, geo-replication sessions, management encryption, Heketi's DB mount
#   before      the strict check before hardening (expected to fail, naming what does not hold)
#   quiesce     stop what holds a volume that gluster_tls.yml restarts: Heketi (its DB is on
#               heketidbstorage) and the running geo-replication sessions (glusterd refuses to stop a
#               volume with one)
#   apply       playbooks/gluster_tls.yml -e gluster_tls_restart=force, playbooks/gluster_volume_access.yml
#   resume      Heketi's DB remounted (a mount made before management encryption cannot fetch the new
#               volfile) and Heketi started; NFS-Ganesha restarted head by head; geo-replication started again
#   check       playbooks/security_check.yml, strict: must pass
#   idempotent  playbooks/gluster_tls.yml and gluster_volume_access.yml --check: changed=0
#   restore     the plain lab inventory's state: management encryption off (as molecule/security's
#               cleanup), I/O TLS off again on the overlay's volumes (restarted), Heketi's DB remounted
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH" ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0
unset ANSIBLE_INVENTORY
HARDENED=(-i inventories/lab/hosts.yml -i inventories/lab_hardened)
# Volumes other scenarios left on the lab (not the lab inventory's): METROSTOR_HARDENED_VOLUMES="a b c"
# replaces the overlay's lab_hardened_volumes for every step (name them all, the overlay's own included).
if [ -n "${METROSTOR_HARDENED_VOLUMES:-}" ]; then
  HARDENED+=(-e "{\"lab_hardened_volumes\": $(python3 -c 'import json,sys; print(json.dumps(sys.argv[1].split()))' "$METROSTOR_HARDENED_VOLUMES")}")
fi
LOG=.lab/security-hardened
mkdir -p "$LOG"
GEOREP_STOPPED="$LOG/georep-stopped.json"

stamp() { date -u +%H:%M:%S; }

georep_sessions() {
  # The running geo-replication sessions of the metro pool, as JSON [{master_volume, slave_user, slave_host,
  # slave_volume, status}] (parsed by the collection's own module_utils).
  lab/lab ssh gl-a1 'gluster --mode=script volume geo-replication status --xml' > "$LOG/georep-status.xml" || true
  python - "$LOG/georep-status.xml" <<'EOF'
import json, sys, xml.etree.ElementTree as ET
sys.path.insert(0, ".venv/collections")
from ansible_collections.metrostor.gluster.plugins.module_utils.gluster_georep import parse_status
text = open(sys.argv[1]).read()
start = text.find("<")
sessions = parse_status(ET.fromstring(text[start:])) if start >= 0 and "<geoRep" in text else []
print(json.dumps([{k: s[k] for k in ("master_volume", "slave_user", "slave_host", "slave_volume", "status")}
                  for s in sessions]))
EOF
}

georep() {  # georep STATE VOLUME USER HOST SLAVEVOL
  ansible gl-a1 -m metrostor.gluster.gluster_georep -a "master_volume=$2 slave_user=$3 slave_host=$4 slave_volume=$5 state=$1 ${6:-}" < /dev/null
}

step_state() {
  for h in gl-a1 gl-c1 k8s-a1; do
    echo "== $h"; lab/lab ssh "$h" 'ls /var/lib/glusterd/secure-access 2>&1; gluster --mode=script volume list 2>&1 | sed "s/^/volume /"; findmnt -n /var/lib/heketi 2>&1; systemctl is-active heketi nfs-ganesha 2>&1 | tr "\n" " "; echo'
  done
  echo "== geo-replication: $(georep_sessions)"
}

step_before() {
  local rc=0
  ansible-playbook "${HARDENED[@]}" playbooks/security_check.yml > "$LOG/check-before.log" 2>&1 || rc=$?
  echo "strict check before hardening: rc=$rc"
  grep -E "not holding|FAIL" "$LOG/check-before.log" | head -40 || true
}

step_quiesce() {
  # the active Heketi: the host of heketi or heketi_standby with the DB volume mounted (gl-c1 unless failed over)
  : > "$LOG/heketi-active"
  for h in gl-c1 gl-a2; do
    if lab/lab ssh "$h" 'findmnt -n -t fuse.glusterfs /var/lib/heketi' >/dev/null 2>&1; then echo "$h" >> "$LOG/heketi-active"; fi
  done
  echo "Heketi's DB mounted on: $(cat "$LOG/heketi-active")"
  while read -r h; do lab/lab ssh "$h" 'systemctl stop heketi; systemctl is-active heketi || true' < /dev/null; done < "$LOG/heketi-active"
  georep_sessions | python -c 'import json,sys; print(json.dumps([s for s in json.load(sys.stdin) if s["status"] in ("Started", "Faulty", "Paused")]))' > "$GEOREP_STOPPED"
  echo "geo-replication sessions to stop: $(cat "$GEOREP_STOPPED")"
  python -c 'import json,sys; [print(s["master_volume"], s["slave_user"], s["slave_host"], s["slave_volume"]) for s in json.load(open(sys.argv[1]))]' "$GEOREP_STOPPED" |
    while read -r vol user host svol; do georep stopped "$vol" "$user" "$host" "$svol" force=true; done
}

step_apply() {
  local t0=$SECONDS
  ansible-playbook "${HARDENED[@]}" playbooks/gluster_tls.yml -e gluster_tls_restart=force > "$LOG/gluster_tls.log" 2>&1
  echo "gluster_tls.yml (hardened, force): $((SECONDS - t0)) s"; grep -A12 "PLAY RECAP" "$LOG/gluster_tls.log"
  t0=$SECONDS
  ansible-playbook "${HARDENED[@]}" playbooks/gluster_volume_access.yml > "$LOG/gluster_volume_access.log" 2>&1
  echo "gluster_volume_access.yml (hardened): $((SECONDS - t0)) s"; grep -A8 "PLAY RECAP" "$LOG/gluster_volume_access.log"
}

step_resume() {
  while read -r h; do
    lab/lab ssh "$h" 'umount -l /var/lib/heketi 2>/dev/null; mount /var/lib/heketi && findmnt -n /var/lib/heketi && systemctl start heketi && systemctl is-active heketi' < /dev/null
  done < "$LOG/heketi-active"
  for h in gl-b1 gl-a1; do lab/lab ssh "$h" 'systemctl restart nfs-ganesha && systemctl is-active nfs-ganesha' || true; done
  # geo-replication's meta volume (gluster_shared_storage), mounted on every server from fstab
  for h in gl-a1 gl-a2 gl-b1 gl-b2 gl-c1; do
    lab/lab ssh "$h" 'grep -q shared_storage /etc/fstab || exit 0; m=$(awk "/shared_storage/ {print \$2}" /etc/fstab); umount -l "$m" 2>/dev/null; mount "$m" && echo "$(hostname): $m remounted"' || true
  done
  if [ -s "$GEOREP_STOPPED" ]; then
    python -c 'import json,sys; [print(s["master_volume"], s["slave_user"], s["slave_host"], s["slave_volume"]) for s in json.load(open(sys.argv[1]))]' "$GEOREP_STOPPED" |
      while read -r vol user host svol; do georep started "$vol" "$user" "$host" "$svol" || true; done
  fi
}

step_check() {
  local t0=$SECONDS rc=0
  ansible-playbook "${HARDENED[@]}" playbooks/security_check.yml > "$LOG/check-hardened.log" 2>&1 || rc=$?
  echo "strict check on the hardened lab: rc=$rc in $((SECONDS - t0)) s"
  sed -n '/TASK \[The table\]/,/^$/p' "$LOG/check-hardened.log"
  grep -E "Every required property holds|not holding" "$LOG/check-hardened.log" || true
  grep -A12 "PLAY RECAP" "$LOG/check-hardened.log"
  return $rc
}

step_idempotent() {
  local rc=0
  for pb in gluster_tls gluster_volume_access; do
    ansible-playbook "${HARDENED[@]}" "playbooks/$pb.yml" --check > "$LOG/$pb-check.log" 2>&1 || rc=$?
    echo "$pb.yml --check (hardened): rc=$rc"; grep -A12 "PLAY RECAP" "$LOG/$pb-check.log"
  done
  return $rc
}

step_restore() {
  # The volumes' I/O TLS off and restarted (their mounts and Ganesha would not reconnect otherwise), then
  # management encryption off as the plain lab inventory has it.
  step_quiesce
  for v in ${METROSTOR_HARDENED_VOLUMES:-heketidbstorage nfs drvol}; do
    lab/lab ssh gl-b1 "gluster volume info $v >/dev/null 2>&1 || exit 0; gluster --mode=script volume set $v client.ssl off && gluster --mode=script volume set $v server.ssl off && gluster --mode=script volume stop $v force && gluster --mode=script volume start $v"
  done
  ansible-playbook -i inventories/lab/hosts.yml playbooks/gluster_tls.yml > "$LOG/restore.log" 2>&1
  grep -A12 "PLAY RECAP" "$LOG/restore.log"
  step_resume
}

for s in "${@:-state}"; do
  echo "### $(stamp) $s"
  "step_$s"
done
echo "### $(stamp) end"
