"""Renders, lints and validates the chart (run by `make chart`, hence by CI).

helm-python-sdk renders and lints with Helm's own Go SDK, no helm binary needed;
kubernetes-validate checks every rendered manifest against the Kubernetes OpenAPI schemas
(strict: unknown fields fail). Exits non-zero on any finding.
"""

import json
import re
import sys
from pathlib import Path

import helm_python as helm
import kubernetes_validate
import yaml

CHART = Path(__file__).resolve().parent
KUBE_VERSION = "1.31.0"
# Custom resources have no schema in kubernetes-validate; their shape is checked below.
CUSTOM = {"monitoring.coreos.com/v1"}

SCENARIOS = {
    "defaults": {"secret": {"databaseUrl": "postgres://pw:pw@db:5432/partnerworld", "redisUrl": "redis://redis:6379"}},
    "everything on": {
        "secret": {"existingSecret": "partnerworld-env"},
        "ingress": {"enabled": True, "className": "nginx", "tls": [{"secretName": "pw-tls", "hosts": ["partnerworld.example.com"]}]},
        "serviceMonitor": {"enabled": True, "labels": {"release": "prometheus"}},
        "grafanaDashboard": {"enabled": True},
        "prometheusRule": {"enabled": True, "labels": {"release": "prometheus"}},
        "extraEnv": [{"name": "OTEL_EXPORTER_OTLP_ENDPOINT", "value": "http://otel-collector:4318"}],
    },
    "fixed replicas, nothing optional": {
        "secret": {"databaseUrl": "postgres://pw:pw@db:5432/partnerworld"},
        "autoscaling": {"enabled": False},
        "podDisruptionBudget": {"enabled": False},
        "serviceAccount": {"create": False},
        "migrations": {"enabled": False},
    },
}

failures = []

# The metrics the gateway exports (api/src/metrics.rs registers them under "partnerworld"):
# the dashboard and the alerts may name only these (histograms with their suffixes).
METRICS_RS = (CHART.parent / "api" / "src" / "metrics.rs").read_text()
EXPORTED = {"partnerworld_" + m for m in re.findall(r'"([a-z_]+_(?:total|seconds|connections|active))"', METRICS_RS)}
# Histograms are the names given to HistogramOpts; their series carry the suffixes.
HISTOGRAMS = {"partnerworld_" + m for m in re.findall(r'HistogramOpts::new\(\s*"([a-z_]+)"', METRICS_RS)}
EXPORTED |= HISTOGRAMS
EXPORTED |= {m + suffix for m in HISTOGRAMS for suffix in ("_bucket", "_sum", "_count")}
# What the dashboard must show and the alerts must cover (issue 17).
PANELS = {"Requests by outcome", "Errors by code", "p99 latency by operation", "Cache hit ratio",
          "Database pool", "Open subscriptions", "Rate-limit refusals", "Operation cost (demand control)"}
ALERTS = {"PartnerWorldErrorRatio", "PartnerWorldLatencyP99", "PartnerWorldReplicasNotReady",
          "PartnerWorldRedisDown", "PartnerWorldSpansDropped"}


# Each scenario's rendered ConfigMap, for the checks of its Deployment.
CONFIGMAPS = {}


def fail(message):
    failures.append(message)
    print(f"FAIL {message}")


def check_workload(scenario, doc):
    pod = doc["spec"]["template"]["spec"]
    security = pod.get("securityContext", {})
    if not security.get("runAsNonRoot"):
        fail(f"{scenario}: {doc['kind']} pods may run as root")
    for c in pod["containers"]:
        sc = c.get("securityContext", {})
        if not sc.get("readOnlyRootFilesystem") or sc.get("allowPrivilegeEscalation", True):
            fail(f"{scenario}: container {c['name']} is not read-only and unprivileged")
        if "resources" not in c:
            fail(f"{scenario}: container {c['name']} has no resources")
    if doc["kind"] == "Deployment":
        gateway = pod["containers"][0]
        for probe in ("livenessProbe", "readinessProbe"):
            if probe not in gateway:
                fail(f"{scenario}: the gateway has no {probe}")
        if gateway["readinessProbe"]["httpGet"]["path"] != "/readyz":
            fail(f"{scenario}: readiness is not /readyz")
        check_shutdown(scenario, pod, gateway)


def check_metric_names(where, expr):
    for name in re.findall(r"partnerworld_[a-z_]+", expr):
        if name not in EXPORTED:
            fail(f"{where}: {name} is not a metric the gateway exports")


def check_dashboard(scenario, doc):
    label = doc["metadata"]["labels"].get("grafana_dashboard")
    if label != "1":
        fail(f"{scenario}: the dashboard ConfigMap lacks the sidecar label")
    dashboard = json.loads(doc["data"]["partnerworld.json"])
    titles = {p["title"] for p in dashboard["panels"]}
    if PANELS - titles:
        fail(f"{scenario}: the dashboard lacks {sorted(PANELS - titles)}")
    ids = [p["id"] for p in dashboard["panels"]]
    if len(ids) != len(set(ids)):
        fail(f"{scenario}: dashboard panel ids repeat")
    for panel in dashboard["panels"]:
        if not panel.get("targets"):
            fail(f"{scenario}: panel {panel['title']} has no query")
        for target in panel.get("targets", []):
            check_metric_names(f"{scenario}: panel {panel['title']}", target["expr"])
            if 'job=~"$job"' not in target["expr"]:
                fail(f"{scenario}: panel {panel['title']} is not scoped to the chosen gateway")


def check_rules(scenario, doc):
    rules = [r for g in doc["spec"]["groups"] for r in g["rules"]]
    names = {r.get("alert") for r in rules}
    if ALERTS - names:
        fail(f"{scenario}: no alert {sorted(ALERTS - names)}")
    for r in rules:
        for key in ("alert", "expr", "for"):
            if not r.get(key):
                fail(f"{scenario}: rule {r.get('alert')} has no {key}")
        if not r.get("labels", {}).get("severity") or not r.get("annotations", {}).get("summary"):
            fail(f"{scenario}: rule {r.get('alert')} has no severity or summary")
        check_metric_names(f"{scenario}: rule {r.get('alert')}", r.get("expr", ""))
        if r.get("alert") != "PartnerWorldReplicasNotReady" and 'job="pw-partnerworld"' not in r.get("expr", ""):
            fail(f"{scenario}: rule {r.get('alert')} is not scoped to this release")


def check_shutdown(scenario, pod, gateway):
    """A rolling restart fails nothing: SIGTERM comes after the preStop pause, the gateway
    drains and exits within its grace, and all of it fits before the kubelet kills it."""
    config = CONFIGMAPS.get(scenario, {})
    try:
        drain = int(config["SHUTDOWN_DRAIN_SECS"])
        grace = int(config["SHUTDOWN_GRACE_SECS"])
    except (KeyError, ValueError):
        fail(f"{scenario}: SHUTDOWN_DRAIN_SECS and SHUTDOWN_GRACE_SECS are not both set")
        return
    pre_stop = gateway.get("lifecycle", {}).get("preStop", {}).get("sleep", {}).get("seconds", 0)
    if pre_stop <= 0:
        fail(f"{scenario}: no preStop pause before SIGTERM")
    if pre_stop + grace > pod.get("terminationGracePeriodSeconds", 30):
        fail(f"{scenario}: preStop {pre_stop}s + grace {grace}s exceed terminationGracePeriodSeconds")
    if drain >= grace:
        fail(f"{scenario}: the drain ({drain}s) does not end within the grace ({grace}s)")
    ready = gateway["readinessProbe"]
    if ready.get("periodSeconds", 10) * ready.get("failureThreshold", 3) > pre_stop + drain:
        fail(f"{scenario}: readiness notices a stopping pod later than it stops serving")


def main():
    lint = helm.lint(str(CHART), SCENARIOS["defaults"], strict=True, kube_version=KUBE_VERSION)
    messages = [m for m in lint.get("messages", []) if str(m.get("severity", "")).upper() not in ("INFO", "1")]
    for m in messages:
        fail(f"lint: {m}")
    if lint.get("errors"):
        fail(f"lint errors: {lint['errors']}")
    print(f"lint: {len(messages)} findings above INFO")

    with helm.Chart.load(str(CHART)) as chart:
        # A missing database URL is refused at render time, not at pod start.
        try:
            chart.render({}, name="pw", namespace="partnerworld", is_install=True)
            fail("rendered without secret.databaseUrl or existingSecret")
        except helm.HelmError as e:
            if "databaseUrl is required" not in str(e):
                fail(f"unexpected render error: {e}")
        # A shutdown that cannot finish before the kubelet kills the pod is refused too.
        for bad, message in (
            ({"shutdown": {"preStopSeconds": 3, "drainSeconds": 5, "graceSeconds": 40}}, "must fit"),
            ({"shutdown": {"preStopSeconds": 3, "drainSeconds": 20, "graceSeconds": 20}}, "shorter than"),
        ):
            try:
                chart.render({**SCENARIOS["defaults"], **bad}, name="pw", namespace="partnerworld", is_install=True)
                fail(f"rendered with {bad}")
            except helm.HelmError as e:
                if message not in str(e):
                    fail(f"unexpected render error for {bad}: {e}")
        for scenario, values in SCENARIOS.items():
            rendered = chart.render(values, name="pw", namespace="partnerworld", is_install=True)
            kinds = []
            for path, text in sorted(rendered.items()):
                if not path.endswith(".yaml"):
                    continue
                for doc in yaml.safe_load_all(text):
                    if not doc:
                        continue
                    kinds.append(doc["kind"])
                    if doc["apiVersion"] in CUSTOM:
                        if doc["kind"] == "PrometheusRule":
                            check_rules(scenario, doc)
                        elif doc["kind"] != "ServiceMonitor" or not doc["spec"]["endpoints"]:
                            fail(f"{scenario}: {path}: malformed {doc['kind']}")
                        continue
                    try:
                        kubernetes_validate.validate(doc, KUBE_VERSION, strict=True)
                    except kubernetes_validate.ValidationError as e:
                        fail(f"{scenario}: {path}: {doc['kind']}: {e.message} at {list(e.path)}")
                    if doc["kind"] == "ConfigMap" and "partnerworld.json" in doc["data"]:
                        check_dashboard(scenario, doc)
                    elif doc["kind"] == "ConfigMap":
                        CONFIGMAPS[scenario] = doc["data"]
                    if doc["kind"] in ("Deployment", "Job"):
                        check_workload(scenario, doc)
            print(f"{scenario}: {len(kinds)} manifests: {', '.join(sorted(kinds))}")
            for kind in ("Deployment", "Service", "ConfigMap"):
                if kind not in kinds:
                    fail(f"{scenario}: no {kind}")
            if scenario == "everything on" and not {"PrometheusRule"} <= set(kinds):
                fail(f"{scenario}: no PrometheusRule")
            if scenario == "everything on" and kinds.count("ConfigMap") < 2:
                fail(f"{scenario}: no dashboard ConfigMap")

    if failures:
        print(f"chart: {len(failures)} failed")
        sys.exit(1)
    print("chart: renders, lints and validates")


if __name__ == "__main__":
    main()
