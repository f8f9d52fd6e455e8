"""The Kubernetes manifests (deploy/kubernetes/), checked offline: each against Kubernetes'
own schema, and against each other and the code (services reach pods, probes ask paths the
process serves, the secret holds what a replica refuses to start without)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import kubernetes_validate
import pytest
import yaml

from bot.app import create_app
from core.settings import Settings
from stack.container import PROCESSES, REQUIRED, SERVICE_URLS
from tests.helpers import ROOT

MANIFESTS = ROOT / "deploy" / "kubernetes"
KUBERNETES = "1.28.0"
# Paths the two processes that are not ours answer without a token.
SERVED_BY_RASA_AND_SDK = {"rasa": {"/"}, "actions": {"/health"}}
# What the image runs (deploy/Containerfile): an exec probe runs it with `ready <process>`.
ENTRYPOINT = json.loads(
    next(
        line.split(None, 1)[1]
        for line in (ROOT / "deploy" / "Containerfile").read_text().splitlines()
        if line.startswith("ENTRYPOINT")
    )
)


def documents(path: Path) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]


def resources() -> list[dict[str, Any]]:
    kustomization = yaml.safe_load((MANIFESTS / "kustomization.yaml").read_text())
    return [doc for name in kustomization["resources"] for doc in documents(MANIFESTS / name)]


def of_kind(kind: str) -> list[dict[str, Any]]:
    return [doc for doc in resources() if doc["kind"] == kind]


def named(kind: str, name: str) -> dict[str, Any]:
    return next(doc for doc in of_kind(kind) if doc["metadata"]["name"] == name)


def pod_containers(deployment: dict[str, Any]) -> list[dict[str, Any]]:
    return list(deployment["spec"]["template"]["spec"]["containers"])


@pytest.mark.parametrize(
    "path",
    sorted(p for p in MANIFESTS.glob("*.yaml") if p.name != "kustomization.yaml"),
    ids=lambda p: p.name,
)
def test_every_manifest_is_valid_kubernetes_strictly(path: Path) -> None:
    for doc in documents(path):
        kubernetes_validate.validate(doc, KUBERNETES, strict=True)


def test_the_kustomization_applies_every_manifest_but_the_example_secret() -> None:
    kustomization = yaml.safe_load((MANIFESTS / "kustomization.yaml").read_text())
    listed = set(kustomization["resources"])
    present = {p.name for p in MANIFESTS.glob("*.yaml")} - {"kustomization.yaml"}
    assert listed == present - {"secret.example.yaml"}


def test_one_deployment_per_process_each_running_it_from_the_one_image() -> None:
    commands = {pod_containers(d)[0]["args"][0] for d in of_kind("Deployment")}
    assert commands == set(PROCESSES)
    assert {c["image"] for d in of_kind("Deployment") for c in pod_containers(d)} == {"svar"}


def test_every_service_reaches_pods_and_a_named_port_they_have() -> None:
    for service in of_kind("Service"):
        selector = service["spec"]["selector"]
        pods = [
            d
            for d in of_kind("Deployment")
            if selector.items() <= d["spec"]["template"]["metadata"]["labels"].items()
        ]
        assert pods, f"service {service['metadata']['name']} selects no pods"
        ports = {p["name"] for d in pods for c in pod_containers(d) for p in c["ports"]}
        assert {p["targetPort"] for p in service["spec"]["ports"]} <= ports


def test_the_processes_find_each_other_at_the_services() -> None:
    config = named("ConfigMap", "svar")["data"]
    services = {s["metadata"]["name"]: s["spec"]["ports"][0]["port"] for s in of_kind("Service")}
    for variable in SERVICE_URLS:
        url = urlsplit(config[variable])
        assert services.get(url.hostname) == url.port, variable


def test_probes_ask_paths_the_process_serves() -> None:
    front_door = {r.canonical for r in create_app(Settings()).router.resources()}
    served = {"frontdoor": front_door, **SERVED_BY_RASA_AND_SDK}
    for deployment in of_kind("Deployment"):
        container = pod_containers(deployment)[0]
        probes = [
            container[k]
            for k in ("startupProbe", "readinessProbe", "livenessProbe")
            if k in container
        ]
        assert any("readinessProbe" in c for c in pod_containers(deployment))
        for probe in probes:
            if "exec" in probe:  # the image's own probe of the same process
                assert probe["exec"]["command"] == [*ENTRYPOINT, "ready", container["args"][0]]
            else:
                assert probe["httpGet"]["path"] in served[container["args"][0]]


def test_rasa_counts_as_ready_only_once_its_model_is_loaded() -> None:
    # Rasa answers `/` while it loads its model; its status says when the model is there.
    (container,) = pod_containers(named("Deployment", "svar-rasa"))
    for key in ("startupProbe", "readinessProbe"):
        assert container[key]["exec"]["command"] == [*ENTRYPOINT, "ready", "rasa"], key


def test_every_autoscaled_deployment_exists_and_requests_cpu() -> None:
    for autoscaler in of_kind("HorizontalPodAutoscaler"):
        target = named("Deployment", autoscaler["spec"]["scaleTargetRef"]["name"])
        assert all("cpu" in c["resources"]["requests"] for c in pod_containers(target))


def test_the_example_secret_holds_what_a_replica_needs_and_every_pod_reads_it() -> None:
    example = documents(MANIFESTS / "secret.example.yaml")[0]
    assert set(REQUIRED) <= set(example["stringData"])
    assert all(value == "" for value in example["stringData"].values()), "no secret is committed"
    for deployment in of_kind("Deployment"):
        sources = pod_containers(deployment)[0]["envFrom"]
        assert {"secretRef": {"name": example["metadata"]["name"]}} in sources
