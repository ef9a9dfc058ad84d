"""One cold start, in the fresh interpreter ``bench.cold_start`` spawns for it.

Order matters, so that only our work is timed:

1. the parent gives the function's environment and import path (PYTHONPATH, as Lambda puts the
   task and layer directories on ``sys.path``); this process hides every installed package the
   deployed function will not have (the dev venv holds moto's dependencies, and pyjwt, for one,
   picks up ``cryptography`` when it can);
2. **timed: import the handler module**. Nothing is loaded yet but the interpreter's start-up
   modules (this file imports no others until the import is done), so the import pays for boto3,
   FastAPI and the rest, as on Lambda;
3. untimed harness: start the local runtime (moto, the template's tables and secrets), restore the
   data snapshot the parent made, drop every boto3 client and session the harness built so the
   function builds its own, and build the API Gateway v2 event through the template's routing;
4. **timed: the first request**, minus the time moto spends answering (it stands in for the
   network and is reported on its own).

Both steps are timed twice: CPU time of this process (what the comparison uses: it barely moves
when other jobs share the machine, and a cold start is single-threaded CPU work) and wall time.
Prints one JSON line: import, request (without moto) and moto, each _cpu and _wall; and status.
"""

import gc
import os
import sys
import time

IMPORT_STARTS = "bench: handler import starts"
IMPORT_ENDS = "bench: handler import ends"
HIDDEN_PACKAGES_VARIABLE = "BENCH_HIDDEN_PACKAGES"


class DeployedPackagesOnly:
    """A meta path finder that makes the dev venv's extra packages unimportable, as on Lambda."""

    def __init__(self, hidden: set[str]):
        self.hidden = hidden

    def find_spec(self, name: str, path: object = None, target: object = None) -> None:
        if name.partition(".")[0] in self.hidden:
            raise ModuleNotFoundError(f"No module named {name!r} (not in the deployed package)", name=name)


def main() -> None:
    spec_path, handler_path, mode = sys.argv[1:4]
    module_name, attribute = handler_path.rsplit(".", 1)
    guard = DeployedPackagesOnly(set(os.environ.pop(HIDDEN_PACKAGES_VARIABLE).split(",")))
    sys.meta_path.insert(0, guard)
    print(IMPORT_STARTS, file=sys.stderr, flush=True)
    started, started_cpu = time.perf_counter(), time.process_time()
    __import__(module_name)  # not importlib.import_module: -X importtime only sees the import statement's path
    handler = getattr(sys.modules[module_name], attribute)
    import_wall, import_cpu = time.perf_counter() - started, time.process_time() - started_cpu
    print(IMPORT_ENDS, file=sys.stderr, flush=True)
    sys.meta_path.remove(guard)
    import json  # only now: an earlier import would have been free for the handler

    if mode == "import-only":
        print(json.dumps({"import_wall": import_wall, "import_cpu": import_cpu}))
        return

    with open(spec_path) as handle:
        spec = json.load(handle)
    event, context, clock = prepare_first_request(spec)
    gc.collect()  # the harness's garbage is not the function's
    moto_before, moto_before_cpu = clock.seconds, clock.cpu_seconds
    started, started_cpu = time.perf_counter(), time.process_time()
    response = handler(event, context)
    request_wall, request_cpu = time.perf_counter() - started, time.process_time() - started_cpu
    moto_wall, moto_cpu = clock.seconds - moto_before, clock.cpu_seconds - moto_before_cpu
    figures = {
        "import_wall": import_wall,
        "import_cpu": import_cpu,
        "request_wall": request_wall - moto_wall,
        "request_cpu": request_cpu - moto_cpu,
        "moto_wall": moto_wall,
        "moto_cpu": moto_cpu,
    }
    print(json.dumps({**figures, "status": response["statusCode"]}))


def prepare_first_request(spec: dict) -> tuple[dict, object, object]:
    """The untimed harness: runtime, data, fresh AWS clients, and the event for the request."""
    import json
    import re

    import boto3

    from bench.harness import MotoClock, start_runtime
    from local.runtime import LambdaContext, Route, http_api_event

    runtime = start_runtime()
    from shared import aws  # on the path once the runtime has started

    with open(spec["snapshot"]) as handle:
        snapshot = json.load(handle)
    for table, items in snapshot["items"].items():
        for item in items:
            aws.dynamodb().put_item(TableName=table, Item=item)
    for name, value in snapshot["secrets"].items():
        aws.client("secretsmanager").put_secret_value(SecretId=name, SecretString=value)
    for key_id, saved in snapshot.get("kms_keys", {}).items():
        restore_kms_key(key_id, saved)
    # A fresh Lambda has no boto3 session yet: the first request loads the service models itself.
    aws.reset_clients()
    boto3.DEFAULT_SESSION = None
    clock = MotoClock().install()

    request = spec["request"]
    if spec["function_id"]:
        found = runtime.find_route(request["api_id"], request["method"], request["path"])
        if found is None or found[0].function_id != spec["function_id"]:
            raise SystemExit(f"{request['method']} {request['path']} is not routed to {spec['function_id']}")
        route, path_parameters = found
    else:
        pattern = re.compile(re.escape(request["path"]))
        route = Route(request["api_id"], request["method"], request["path"], "FloorFunction", pattern, (0, 0))
        path_parameters = {}
    event = http_api_event(
        request["api_id"],
        route,
        path_parameters,
        request["method"],
        request["path"],
        "",
        [tuple(header) for header in request["headers"]],
        request["body"].encode(),
        "127.0.0.1",
        runtime.ports.get(request["api_id"]),
    )
    context = LambdaContext(spec["function_id"] or "FloorFunction", spec["memory"], spec["timeout"])
    return event, context, clock


def restore_kms_key(key_id: str, saved: dict) -> None:
    """The parent's asymmetric key, under its id and with its private half (see cold_start._kms_keys)."""
    from cryptography.hazmat.primitives.serialization import load_pem_private_key
    from moto.kms.models import kms_backends

    from local.template import ACCOUNT_ID, REGION
    from shared import aws

    created = aws.client("kms").create_key(KeySpec=saved["key_spec"], KeyUsage=saved["key_usage"])["KeyMetadata"]
    backend = kms_backends[ACCOUNT_ID][REGION]
    key = backend.keys.pop(created["KeyId"])
    key.id, key.arn = key_id, created["Arn"].replace(created["KeyId"], key_id)
    key.private_key.private_key = load_pem_private_key(saved["pem"].encode(), None)
    backend.keys[key_id] = key


if __name__ == "__main__":
    main()
