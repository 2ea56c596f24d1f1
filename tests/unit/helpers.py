"""Small helpers shared by the unit tests."""


def mutations(heketi):
    """Requests that could change Heketi (everything but GET)."""
    return [(m, p, s) for m, p, s in heketi.requests if m != "GET"]


def three_site_topology(devices=("/dev/vdb",), extra_nodes=()):
    """A 2+2+1 stretched topology: zones 1 and 2 hold data, zone 3 the arbiter."""
    layout = [("a1", 1, "disabled"), ("a2", 1, "disabled"), ("b1", 2, "disabled"), ("b2", 2, "disabled"),
              ("c1", 3, "required")] + list(extra_nodes)
    nodes = []
    for i, (name, zone, arbiter) in enumerate(layout):
        nodes.append({"node": {"hostnames": {"manage": [name], "storage": ["10.0.%d.%d" % (zone, i + 10)]},
                               "zone": zone, "tags": {"arbiter": arbiter}},
                      "devices": [{"name": d, "destroydata": False} for d in devices]})
    return {"clusters": [{"nodes": nodes}]}
