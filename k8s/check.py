#!/usr/bin/env python3
"""Offline checks of k8s/duro.yaml (no cluster needed): every document parses as YAML, has the
fields Kubernetes requires for its kind, and the pieces agree with each other (the StatefulSet's
replicas equal the members of cluster.toml, member hosts are <statefulset>-<i>.<service>, ports and
mounts match what the container and the config name). Exit 0 when all hold; each problem is one
line. Needs PyYAML. Not a schema validation: kubeconform or a server-side dry run would check more."""
import re
import sys

import yaml

path = sys.argv[1] if len(sys.argv) > 1 else "k8s/duro.yaml"
problems = []


def need(doc, dotted, where):
    node = doc
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            problems.append(f"{where}: missing {dotted}")
            return None
        node = node[part]
    return node


with open(path) as f:
    docs = [d for d in yaml.safe_load_all(f) if d is not None]
by_kind = {}
for d in docs:
    where = f"{d.get('kind', '?')}/{d.get('metadata', {}).get('name', '?')}"
    for field in ("apiVersion", "kind", "metadata.name"):
        need(d, field, where)
    by_kind.setdefault(d.get("kind"), []).append(d)
    if d.get("kind") == "Service":
        need(d, "spec.ports", where)
        need(d, "spec.selector", where)
    if d.get("kind") == "StatefulSet":
        for field in ("spec.serviceName", "spec.selector.matchLabels", "spec.template.metadata.labels",
                      "spec.template.spec.containers", "spec.replicas"):
            need(d, field, where)
        labels = d["spec"]["template"]["metadata"]["labels"]
        for k, v in d["spec"]["selector"]["matchLabels"].items():
            if labels.get(k) != v:
                problems.append(f"{where}: selector {k}={v} does not match the pod template's labels")
        for c in d["spec"]["template"]["spec"]["containers"]:
            for field in ("name", "image"):
                need(c, field, f"{where} container")

sts = by_kind.get("StatefulSet", [None])[0]
cm = by_kind.get("ConfigMap", [None])[0]
headless = [s for s in by_kind.get("Service", []) if s["spec"].get("clusterIP") == "None"]
if sts is None or cm is None or not headless:
    problems.append("need a StatefulSet, a ConfigMap and a headless Service")
else:
    toml = cm["data"]["cluster.toml"]
    members = re.findall(r'\[\[member\]\]\s*id\s*=\s*"n(\d+)"\s*host\s*=\s*"([^"]+)"\s*node_port\s*=\s*(\d+)\s*http_port\s*=\s*(\d+)', toml)
    if len(members) != sts["spec"]["replicas"]:
        problems.append(f"StatefulSet replicas {sts['spec']['replicas']} but cluster.toml names {len(members)} members")
    svc = sts["spec"]["serviceName"]
    if headless[0]["metadata"]["name"] != svc:
        problems.append(f"serviceName {svc} is not the headless Service {headless[0]['metadata']['name']}")
    if not headless[0]["spec"].get("publishNotReadyAddresses"):
        problems.append("the headless Service must publish not-ready addresses: members reach each other before they are ready")
    c = sts["spec"]["template"]["spec"]["containers"][0]
    ports = {p["name"]: p["containerPort"] for p in c.get("ports", [])}
    for i, host, node_port, http_port in members:
        if host != f"{sts['metadata']['name']}-{i}.{svc}":
            problems.append(f"member n{i}: host {host} is not the pod's DNS name {sts['metadata']['name']}-{i}.{svc}")
        if int(node_port) != ports.get("node") or int(http_port) != ports.get("http"):
            problems.append(f"member n{i}: ports {node_port}/{http_port} differ from the container's {ports}")
    mounts = {m["mountPath"] for m in c.get("volumeMounts", [])}
    for key, value in re.findall(r'(data_dir|secret_file)\s*=\s*"([^"]+)"', toml):
        if not any(value == m or value.startswith(m.rstrip("/") + "/") for m in mounts):
            problems.append(f"{key} {value} is on no mounted volume {sorted(mounts)}")
    args = c.get("args", [])
    if "--id" not in args or args[args.index("--id") + 1] != "$(POD_NAME)":
        problems.append("the container must pass --id $(POD_NAME)")
    env = {e["name"]: e for e in c.get("env", [])}
    if env.get("POD_NAME", {}).get("valueFrom", {}).get("fieldRef", {}).get("fieldPath") != "metadata.name":
        problems.append("POD_NAME must come from metadata.name")

for p in problems:
    print(f"{path}: {p}")
if not problems:
    print(f"{path}: {len(docs)} documents, consistent")
sys.exit(1 if problems else 0)
