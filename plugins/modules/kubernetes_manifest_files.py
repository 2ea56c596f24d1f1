#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: metrostor.gluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: kubernetes_manifest_files
short_description: Write a set of rendered manifests to a directory, byte for byte, in one step
description:
  - Writes each file of O(files) under O(dest) with its mode, only when its bytes or mode differ, so that a
    second run with the same input changes nothing (GitOps repositories see no churn).
  - Removes, in each sub-directory it writes to, the files named like rendered manifests
    (C(NN-kind-name.yaml)) that are no longer in O(files) when O(remove_stale) is true, so that a class renamed
    or a Secret no longer asked for does not linger.
  - One module run for the whole set (the role renders over a hundred objects for eight clusters).
version_added: "0.1.0"
author: metrostor.gluster developers (!UNKNOWN)
extends_documentation_fragment:
  - metrostor.gluster.attributes
options:
  dest:
    description: Directory that holds the files (created, mode 0755).
    type: path
    required: true
  files:
    description: The files.
    type: list
    elements: dict
    required: true
    suboptions:
      path:
        description: Path under O(dest), C(SUBDIR/NAME).
        type: str
        required: true
      content:
        description: The bytes of the file (text).
        type: str
        required: true
      mode:
        description: File mode, octal string.
        type: str
        default: "0644"
  secret_files:
    description:
      - Files that hold secrets, written like O(files) but with their content never logged and left out
        of the diff (only their size is shown).
    type: list
    elements: dict
    default: []
    suboptions:
      path:
        description: Path under O(dest), C(SUBDIR/NAME).
        type: str
        required: true
      content:
        description: The bytes of the file (text). Never logged.
        type: str
        required: true
      mode:
        description: File mode, octal string.
        type: str
        default: "0600"
  remove_stale:
    description: Remove manifest files (C(NN-*.yaml)) of the written sub-directories that are not in O(files).
    type: bool
    default: true
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
    details: Shows the content of changed files, except O(secret_files).
"""

EXAMPLES = r"""
- name: Write the manifests of every cluster
  metrostor.gluster.kubernetes_manifest_files:
    dest: /srv/gitops/storage
    files:
      - path: prod/01-storageclass-glusterfs-stretched.yaml
        content: "{{ storage_class_yaml }}"
"""

RETURN = r"""
written:
  description: Files written (new or changed), relative to O(dest).
  returned: always
  type: list
  elements: str
removed:
  description: Stale files removed, relative to O(dest).
  returned: always
  type: list
  elements: str
unchanged:
  description: Number of files already as wanted.
  returned: always
  type: int
"""

import os
import re
import stat
import tempfile

from ansible.module_utils.basic import AnsibleModule

ARGUMENT_SPEC = dict(
    dest=dict(type="path", required=True),
    files=dict(type="list", elements="dict", required=True, options=dict(
        path=dict(type="str", required=True),
        content=dict(type="str", required=True),
        mode=dict(type="str", default="0644"),
    )),
    # the list holds paths and modes too: its secret part, each content, is no_log itself
    secret_files=dict(type="list", elements="dict", default=[], no_log=False, options=dict(
        path=dict(type="str", required=True),
        content=dict(type="str", required=True, no_log=True),
        mode=dict(type="str", default="0600"),
    )),
    remove_stale=dict(type="bool", default=True),
)

MANIFEST_NAME = re.compile(r"^\d\d-[a-z0-9.-]+\.yaml$")


def _read(path):
    try:
        with open(path, "rb") as handle:
            return handle.read(), stat.S_IMODE(os.stat(path).st_mode)
    except (IOError, OSError):
        return None, None


def _write(path, data, mode):
    """Atomic write: a temporary file in the same directory, renamed over the old one."""
    directory = os.path.dirname(path)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, mode)
        os.rename(tmp, path)
    except Exception:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _file_diff(rel, before, after):
    """One file's diff, as Ansible shows a list of them (unified, with the file name in the headers)."""
    return {"before_header": rel if before is not None else "%s (absent)" % rel,
            "after_header": rel if after is not None else "%s (removed)" % rel,
            "before": before or "", "after": after or ""}


def plan(dest, files, remove_stale):
    """(writes, removals, unchanged, diffs) without touching anything.

    ``files``: [{path, content, mode, secret}]; a secret's content stays out of the diff.
    """
    writes, removals, unchanged, diffs = [], [], 0, []
    wanted = set()
    for entry in files:
        rel = os.path.normpath(entry["path"])
        if rel.startswith("..") or os.path.isabs(rel):
            raise ValueError("files[].path %r must stay under dest" % entry["path"])
        wanted.add(rel)
        data = entry["content"].encode("utf-8")
        mode = int(entry["mode"], 8)
        current, current_mode = _read(os.path.join(dest, rel))
        if current == data and current_mode == mode:
            unchanged += 1
            continue
        writes.append((rel, data, mode))
        if entry["secret"]:
            before = None if current is None else "(secret, %d bytes, mode %04o)\n" % (len(current), current_mode)
            after = "(secret, %d bytes, mode %04o)\n" % (len(data), mode)
        else:
            before = None if current is None else current.decode("utf-8", "replace")
            if current is not None and current == data:
                before = "(mode %04o)\n" % current_mode
                after = "(mode %04o)\n" % mode
            else:
                after = entry["content"]
        diffs.append(_file_diff(rel, before, after))
    if remove_stale:
        for subdir in sorted(set(os.path.dirname(r) for r in wanted)):
            directory = os.path.join(dest, subdir)
            if not os.path.isdir(directory):
                continue
            for name in sorted(os.listdir(directory)):
                rel = os.path.join(subdir, name) if subdir else name
                if MANIFEST_NAME.match(name) and rel not in wanted:
                    removals.append(rel)
                    diffs.append(_file_diff(rel, "(present)\n", None))
    return writes, removals, unchanged, diffs


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    p = module.params
    dest = p["dest"]
    try:
        files = [dict(f, secret=False) for f in p["files"]] + [dict(f, secret=True) for f in p["secret_files"]]
        writes, removals, unchanged, diff = plan(dest, files, p["remove_stale"])
    except ValueError as err:
        module.fail_json(msg=str(err))
    if not module.check_mode:
        try:
            for rel, data, mode in writes:
                directory = os.path.dirname(os.path.join(dest, rel))
                if not os.path.isdir(directory):
                    os.makedirs(directory)
                    os.chmod(directory, 0o755)
                _write(os.path.join(dest, rel), data, mode)
            for rel in removals:
                os.unlink(os.path.join(dest, rel))
        except (IOError, OSError) as err:
            module.fail_json(msg="writing under %s: %s" % (dest, err), written=[w[0] for w in writes],
                             removed=removals)
    result = dict(changed=bool(writes or removals), written=[w[0] for w in writes], removed=removals,
                  unchanged=unchanged)
    if module._diff:
        result["diff"] = diff
    module.exit_json(**result)


if __name__ == "__main__":
    main()
