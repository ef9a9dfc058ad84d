"""Cold start of every HTTP function of every API in the template tree, beside the framework floor.

Each measurement is a fresh interpreter (``bench.cold_start_child``) that imports the handler and
serves one representative request; only those two steps are timed, and moto's share of the
request is taken out (see the child's docstring for what is and is not timed). The floor is
``bench/floor_handler.py`` measured the same way. Cases run interleaved, floor first, so load on a
shared machine falls on all of them alike; figures are medians, and only ratios within one run
are compared, never absolute times.

A second pass runs each import once under ``python -X importtime`` and lists, per function, the
modules the floor does not import, by self time: where the gap to the floor comes from.
"""

import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, distribution, packages_distributions
from pathlib import Path
from typing import Any

from bench.cold_start_child import HIDDEN_PACKAGES_VARIABLE, IMPORT_ENDS, IMPORT_STARTS
from bench.harness import LAYER_PATH, ROOT, log
from tests.support.jiga import JigaDriver

FLOOR_HANDLER = "bench.floor_handler.handler"
FLOOR_API = "FloorHttpApi"
# Lambda puts boto3 in the runtime; everything else comes from the layer's pinned requirements.
LAMBDA_RUNTIME_PACKAGES = ["boto3"]
LAYER_REQUIREMENTS = LAYER_PATH / "requirements.txt"
PASSING_ENVIRONMENT = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT")
# the shared layer, the benchmarks, and every API's package (functions/<api>/<package>/)
OWN_PACKAGES = ("shared", "bench", *sorted(path.parent.name for path in (ROOT / "functions").glob("*/*/__init__.py")))
NEVER_HIDDEN = {*OWN_PACKAGES, "local", "tests"}


@dataclass(frozen=True)
class FirstRequest:
    label: str
    method: str
    path: str
    expected_status: int | None = 200  # None: any answer that is not a 5xx
    body: dict[str, Any] | None = None
    token: str | None = None


@dataclass(frozen=True)
class Fixture:
    """Data the first requests read: a funded user with one agent, and their tokens."""

    email: str
    password: str
    access_token: str
    refresh_token: str
    agent_id: str


def first_requests(fixture: Fixture) -> dict[str, FirstRequest]:
    """The representative first request of each template function (a new function needs one).

    Auth is measured on refresh: login is the same path plus one scrypt derivation, by design
    (the warm figures give its cost), which would hide the framework overhead this compares.
    """
    return {
        "JigaAuthFunction": FirstRequest(
            "refresh", "POST", "/api/v1/auth/refresh", body={"refresh_token": fixture.refresh_token}
        ),
        "JigaAgentsFunction": FirstRequest(
            "get agent", "GET", f"/api/v1/agents/{fixture.agent_id}", token=fixture.access_token
        ),
        "JigaWalletFunction": FirstRequest("get wallet", "GET", "/api/v1/wallet", token=fixture.access_token),
        "JigaMarketplaceFunction": FirstRequest("search (loads the catalogue)", "GET", "/api/v1/marketplace/search"),
        "JigaHireFunction": FirstRequest(
            "hire, unknown listing (404)",
            "POST",
            "/api/v1/marketplace/lst_unknown/hire",
            expected_status=404,
            body={"dofAllocation": 1000},
            token=fixture.access_token,
        ),
        "JigaSessionsFunction": FirstRequest(
            "get session, unknown (404)", "GET", "/api/v1/sessions/ses_unknown", 404, token=fixture.access_token
        ),
        "JigaTransactionsFunction": FirstRequest(
            "get transaction, unknown (404)", "GET", "/api/v1/transactions/txn_unknown", 404, token=fixture.access_token
        ),
        "JigaEventsFunction": FirstRequest("event stream", "GET", "/api/v1/events/stream", token=fixture.access_token),
    }


@dataclass(frozen=True)
class Case:
    name: str
    handler: str
    api_id: str
    request: FirstRequest
    function_id: str | None = None  # None: the floor

    @property
    def is_floor(self) -> bool:
        return self.function_id is None


METRICS = ("import_cpu", "request_cpu", "moto_cpu", "import_wall", "request_wall", "moto_wall")


@dataclass
class CaseResult:
    case: Case
    samples: dict[str, list[float]] = field(default_factory=lambda: {metric: [] for metric in METRICS})

    def add(self, outcome: dict[str, Any]) -> None:
        for metric in METRICS:
            self.samples[metric].append(outcome[metric])

    def values(self, metric: str) -> list[float]:
        """One metric per run, or ``total_cpu`` / ``total_wall`` (import + first request)."""
        if metric.startswith("total_"):
            clock = metric.removeprefix("total_")
            pairs = zip(self.samples[f"import_{clock}"], self.samples[f"request_{clock}"], strict=True)
            return [a + b for a, b in pairs]
        return self.samples[metric]

    def median_ms(self, metric: str) -> float:
        return statistics.median(self.values(metric)) * 1000


@dataclass
class ColdStartReport:
    runs: int
    results: list[CaseResult]
    unmeasured: list[str]
    # function id -> [(module or package, self ms)] for modules the floor does not import
    import_contributors: dict[str, list[tuple[str, float]]]
    floor_import_ms: float

    @property
    def floor(self) -> CaseResult:
        return self.results[0]

    @property
    def floor_with_dynamodb(self) -> CaseResult:
        return self.results[1]


def measure_cold_starts(
    runtime: Any, driver: JigaDriver, runs: int, more_requests: dict[str, FirstRequest] | None = None
) -> ColdStartReport:
    """``more_requests``: representative first requests of other APIs' functions (``bench.cosmic``)."""
    fixture = _make_fixture(driver)
    requests = {**first_requests(fixture), **(more_requests or {})}
    http_functions = sorted({route.function_id for route in runtime.routes})
    cases = [
        Case("floor (FastAPI+Mangum+boto3)", FLOOR_HANDLER, FLOOR_API, FirstRequest("ping", "GET", "/ping")),
        Case("floor + 1 DynamoDB GetItem", FLOOR_HANDLER, FLOOR_API, FirstRequest("item", "GET", "/item")),
    ]
    unmeasured: list[str] = []
    for function_id in http_functions:
        routes = sorted((r for r in runtime.routes if r.function_id == function_id), key=lambda r: (r.path, r.method))
        api_id = routes[0].api_id
        request = requests.get(function_id) or generic_first_request(routes[0])
        name = f"{function_id} ({request.label})"
        cases.append(Case(name, runtime.functions[function_id].handler, api_id, request, function_id))

    results = [CaseResult(case) for case in cases]
    with tempfile.TemporaryDirectory(prefix="bench-") as directory:
        snapshot_path = Path(directory) / "snapshot.json"
        snapshot_path.write_text(json.dumps(_snapshot(runtime)))
        specs = []
        for index, case in enumerate(cases):
            spec_path = Path(directory) / f"case-{index}.json"
            spec_path.write_text(json.dumps(_spec(runtime, case, snapshot_path)))
            hidden = ",".join(hidden_packages(requirement_files(runtime, case)))
            specs.append((spec_path, _environment(runtime, case, hidden)))
        for run in range(runs):
            log(f"cold start: run {run + 1}/{runs} ({len(cases)} fresh interpreters)")
            for result, (spec_path, environment) in zip(results, specs, strict=True):
                result.add(_run_child(result.case, spec_path, environment, "measure"))

        log("cold start: import profile (python -X importtime), once per function")
        floor_spec, floor_environment = specs[0]
        floor_modules, floor_import_ms = _import_profile(cases[0], floor_spec, floor_environment)
        contributors = {}
        for case, (spec_path, environment) in zip(cases, specs, strict=True):
            if case.is_floor:
                continue
            modules, _ = _import_profile(case, spec_path, environment)
            contributors[case.function_id] = import_contributors(modules, floor_modules)
    return ColdStartReport(runs, results, unmeasured, contributors, floor_import_ms)


def generic_first_request(route: Any) -> FirstRequest:
    """A function with no representative request of its own is measured on its first route,
    anonymous, with placeholder path parameters: import, middleware, routing, validation and the
    API's answer (401, 404...), without the data access a real caller would trigger."""
    path = "/" if route.path == "$default" else re.sub(r"\{[^}]+\}", "unknown", route.path)
    method = "GET" if route.method == "ANY" else route.method
    body = {} if method in ("POST", "PUT", "PATCH") else None
    return FirstRequest(f"{method} {route.path}, anonymous", method, path, expected_status=None, body=body)


def _make_fixture(driver: JigaDriver) -> Fixture:
    password = "correct horse battery"
    user = driver.register(password=password)
    driver.grant(user, 10_000)
    agent = driver.create_agent(user)
    return Fixture(user.email, password, user.access_token, user.refresh_token, agent["id"])


def _snapshot(runtime: Any) -> dict[str, Any]:
    """Every item and secret value, so each child starts from the parent's data."""
    from shared import aws

    items: dict[str, list[dict[str, Any]]] = {}
    for logical_id in runtime.resources("AWS::DynamoDB::Table"):
        table = runtime.physical_id(logical_id)
        items[table] = []
        for page in aws.dynamodb().get_paginator("scan").paginate(TableName=table):
            items[table].extend(page["Items"])
    secrets = {}
    for logical_id in runtime.resources("AWS::SecretsManager::Secret"):
        secret = aws.client("secretsmanager").get_secret_value(SecretId=runtime.physical_id(logical_id))
        secrets[secret["Name"]] = secret["SecretString"]
    return {"items": items, "secrets": secrets, "kms_keys": _kms_keys(runtime)}


def _kms_keys(runtime: Any) -> dict[str, dict[str, str]]:
    """Asymmetric KMS keys (RS256 token keys) with their private half, so a child verifies and
    signs the parent's tokens: moto gives a key new material wherever it is created."""
    from cryptography.hazmat.primitives import serialization
    from moto.kms.models import kms_backends

    from local.template import ACCOUNT_ID, REGION

    keys = {}
    backend = kms_backends[ACCOUNT_ID][REGION]
    for logical_id in runtime.resources("AWS::KMS::Key"):
        key = backend.keys[runtime.physical_id(logical_id)]
        if key.key_spec.startswith("RSA_"):
            pem = key.private_key.private_key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
            keys[key.id] = {"pem": pem.decode(), "key_spec": key.key_spec, "key_usage": key.key_usage}
    return keys


def _secret_names(runtime: Any) -> dict[str, str]:
    """ARN -> name: a child's moto gives the secret another ARN, but the same name."""
    names = {}
    for key, resource in runtime.resources("AWS::SecretsManager::Secret").items():
        names[runtime.physical_id(key)] = resource.resolved().get("Name", resource.physical_name)
    return names


def _environment(runtime: Any, case: Case, hidden: str) -> dict[str, str]:
    """The child's environment: what Lambda sets, what the local runtime sets, the function's own."""
    from local.runtime import LOCAL_ENVIRONMENT

    function = runtime.functions[case.function_id] if case.function_id else None
    task_root = function.code_uri if function else ROOT
    environment = {name: os.environ[name] for name in PASSING_ENVIRONMENT if name in os.environ}
    # Lambda's reserved variables matter here: with LAMBDA_TASK_ROOT set the X-Ray SDK uses its
    # local sampler, without it it builds botocore clients for centralised sampling on import.
    environment |= {
        "LAMBDA_TASK_ROOT": str(task_root),
        "AWS_EXECUTION_ENV": "AWS_Lambda_python3.13",
        "AWS_LAMBDA_FUNCTION_NAME": case.function_id or "FloorFunction",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(function.memory if function else 1024),
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "_HANDLER": case.handler,
    }
    environment |= LOCAL_ENVIRONMENT
    environment[HIDDEN_PACKAGES_VARIABLE] = hidden
    if function is None:
        environment["FLOOR_TABLE"] = runtime.physical_id("JigaTable")
        return environment
    names = _secret_names(runtime)
    environment |= {key: names.get(value, value) for key, value in function.environment.items()}
    # The task and layer directories, on sys.path from the start as on Lambda.
    environment["PYTHONPATH"] = os.pathsep.join([str(function.code_uri), str(LAYER_PATH)])
    return environment


def _spec(runtime: Any, case: Case, snapshot_path: Path) -> dict[str, Any]:
    request = case.request
    body = json.dumps(request.body) if request.body is not None else ""
    headers = [["host", "127.0.0.1"], ["user-agent", "bench"], ["accept", "*/*"]]
    if body:
        headers += [["content-type", "application/json"], ["content-length", str(len(body))]]
    if request.token:
        headers.append(["authorization", f"Bearer {request.token}"])
    function = runtime.functions.get(case.function_id) if case.function_id else None
    return {
        "function_id": case.function_id,
        "memory": function.memory if function else 1024,
        "timeout": function.timeout if function else 10,
        "snapshot": str(snapshot_path),
        "request": {
            "api_id": case.api_id,
            "method": request.method,
            "path": request.path,
            "headers": headers,
            "body": body,
        },
    }


def _run_child(case: Case, spec_path: Path, environment: dict[str, str], mode: str, *flags: str) -> dict[str, Any]:
    command = [sys.executable, *flags, "-m", "bench.cold_start_child", str(spec_path), case.handler, mode]
    finished = subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=300)
    if finished.returncode != 0:
        raise RuntimeError(f"cold start of {case.name} failed:\n{finished.stderr[-3000:]}")
    outcome = json.loads(finished.stdout.strip().splitlines()[-1])
    outcome["stderr"] = finished.stderr
    expected = case.request.expected_status
    if mode == "measure" and (outcome["status"] >= 500 if expected is None else outcome["status"] != expected):
        raise RuntimeError(f"cold start of {case.name}: status {outcome['status']}, not {case.request.expected_status}")
    return outcome


_IMPORT_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|\s*(\S+)")


def _import_profile(case: Case, spec_path: Path, environment: dict[str, str]) -> tuple[dict[str, float], float]:
    """Self time (ms) of each module the handler import loads, and the import's total (ms)."""
    outcome = _run_child(case, spec_path, environment, "import-only", "-X", "importtime")
    lines = outcome["stderr"].splitlines()
    window = lines[lines.index(IMPORT_STARTS) + 1 : lines.index(IMPORT_ENDS)]
    modules = {}
    for line in window:
        found = _IMPORT_LINE.match(line)
        if found:
            modules[found.group(3)] = int(found.group(1)) / 1000
    return modules, outcome["import_cpu"] * 1000


def import_contributors(modules: dict[str, float], floor_modules: dict[str, float]) -> list[tuple[str, float]]:
    """Self time of the modules the floor does not load, grouped by package, largest first.

    A package the floor loads too is broken down one level (``pydantic.v1``), and our own code
    by module, so each line names something one can act on.
    """
    floor_packages = {name.partition(".")[0] for name in floor_modules}
    grouped: dict[str, float] = {}
    for name, self_ms in modules.items():
        if name in floor_modules:
            continue
        parts = name.split(".")
        depth = 2 if parts[0] in OWN_PACKAGES or parts[0] in floor_packages else 1
        key = ".".join(parts[:depth])
        grouped[key] = grouped.get(key, 0.0) + self_ms
    return sorted(grouped.items(), key=lambda item: item[1], reverse=True)


# -- what the deployed function cannot import ------------------------------------------------


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement_name(requirement: str) -> str | None:
    if "extra ==" in requirement:
        return None
    found = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    return found.group(1) if found else None


def requirement_files(runtime: Any, case: Case) -> list[Path]:
    """What ``sam build`` installs for this function: the shared layer's pinned requirements, its
    CodeUri's ``requirements.txt`` and each layer's it names (Loqua's AES layer for the user-token
    function only). Per function: Cosmic's ``cryptography`` is not in a JIGA function's package."""
    files = [LAYER_REQUIREMENTS]
    if not case.is_floor:
        function = runtime.functions[case.function_id]
        files += [function.code_uri / "requirements.txt", *(layer / "requirements.txt" for layer in function.layers)]
    return sorted({path.resolve() for path in files if path.is_file()})


def deployed_distributions(files: list[Path]) -> set[str]:
    """The distributions the requirement files name, Lambda's boto3, and all they depend on."""
    wanted = [
        name
        for requirements in files
        for line in requirements.read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("#")
        for name in [_requirement_name(line)]
        if name
    ] + LAMBDA_RUNTIME_PACKAGES
    deployed: set[str] = set()
    while wanted:
        name = _canonical(wanted.pop())
        if name in deployed:
            continue
        deployed.add(name)
        try:
            requires = distribution(name).requires or []
        except PackageNotFoundError:
            continue
        wanted.extend(found for requirement in requires if (found := _requirement_name(requirement)))
    return deployed


def hidden_packages(files: list[Path]) -> list[str]:
    """Top-level modules installed here (tooling, moto's dependencies, another function's
    packages) that the function deployed from these requirement files will not have."""
    deployed = deployed_distributions(files)
    return sorted(
        module
        for module, owners in packages_distributions().items()
        if module.isidentifier()
        and module not in NEVER_HIDDEN
        and not any(_canonical(owner) in deployed for owner in owners)
    )
