"""Renders, lints and validates the chart (run by `make chart`, hence by CI).

helm-python-sdk renders and lints with Helm's own Go SDK, no helm binary needed;
kubernetes-validate checks every rendered manifest against the Kubernetes OpenAPI schemas
(strict: unknown fields fail). Exits non-zero on any finding.
"""

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
                        if doc["kind"] != "ServiceMonitor" or not doc["spec"]["endpoints"]:
                            fail(f"{scenario}: {path}: malformed {doc['kind']}")
                        continue
                    try:
                        kubernetes_validate.validate(doc, KUBE_VERSION, strict=True)
                    except kubernetes_validate.ValidationError as e:
                        fail(f"{scenario}: {path}: {doc['kind']}: {e.message} at {list(e.path)}")
                    if doc["kind"] in ("Deployment", "Job"):
                        check_workload(scenario, doc)
            print(f"{scenario}: {len(kinds)} manifests: {', '.join(sorted(kinds))}")
            for kind in ("Deployment", "Service", "ConfigMap"):
                if kind not in kinds:
                    fail(f"{scenario}: no {kind}")

    if failures:
        print(f"chart: {len(failures)} failed")
        sys.exit(1)
    print("chart: renders, lints and validates")


if __name__ == "__main__":
    main()
