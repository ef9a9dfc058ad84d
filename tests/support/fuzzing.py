"""What every API's schemathesis test shares: the checks it runs, and the handling of the few
generated cases that would otherwise be judged as the API's faults.

- ``EVERY_CHECK``: all of schemathesis's checks (``--checks all``) except max_response_time (tests
  never time).
- ``NEGATIVE_DATA_REJECTION``: which statuses count as refusing schema-violating data.
- ``drop_framing_headers``: a drawn ``Content-Length: xP'uvj`` or ``Transfer-Encoding`` describes
  how the bytes travel, not what the API is asked: API Gateway reads them before any function runs
  (as the local runtime's server does, answering a malformed one with its own HTML 400), so they
  test the transport, not the API. The HTTP client sets the true ones.
- ``headers_for``: the caller's token, unless the case is schemathesis's own missing-token probe.
  The coverage phase sends each required header left out once, and missing_required_header then
  expects a 401 for Authorization; the fuzzing phase's negative data may leave the token out too,
  and negative_data_rejection then expects a refusal. Adding the caller's token to such a probe
  would send a request with a token and still judge it as one without.
- ``swap_in_existing_ids``: real ids in about half of the generated cases, so operations on
  existing resources run too; a path schemathesis made invalid on purpose keeps its ids (a real
  one would make the request valid and still be judged as invalid).
"""

from schemathesis.checks import not_a_server_error
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation.meta import CoveragePhaseData, CoverageScenario
from schemathesis.specs.openapi.checks import (
    allow_header_conformance,
    content_type_conformance,
    ensure_resource_availability,
    ignored_auth,
    missing_required_header,
    negative_data_rejection,
    positive_data_acceptance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
    use_after_free,
)

EVERY_CHECK = (
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    positive_data_acceptance,
    negative_data_rejection,
    use_after_free,
    ensure_resource_availability,
    missing_required_header,
    ignored_auth,
    unsupported_method,
    allow_header_conformance,
)

FRAMING_HEADERS = frozenset({"content-length", "transfer-encoding"})


def drop_framing_headers(case) -> None:
    if case.headers:
        for name in [name for name in case.headers if name.lower() in FRAMING_HEADERS]:
            del case.headers[name]


# Schemathesis's own list of refusals for schema-violating data, plus 413: a generated body past
# the shared app's 1 MiB limit is refused for its size before it is parsed, which is as much a
# refusal as a 400.
NEGATIVE_DATA_REJECTION = {
    "expected-statuses": ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429"]
}


def headers_for(case, caller_headers: dict[str, str]) -> dict[str, str]:
    if _probes_missing_authorization(case):
        return {name: value for name, value in caller_headers.items() if name.lower() != "authorization"}
    return caller_headers


def _probes_missing_authorization(case) -> bool:
    if case.meta is None:
        return False
    data = case.meta.phase.data
    if isinstance(data, CoveragePhaseData):
        return (
            data.scenario == CoverageScenario.MISSING_PARAMETER
            and data.parameter_location == ParameterLocation.HEADER
            and (data.parameter or "").lower() == "authorization"
        )
    headers = case.meta.components.get(ParameterLocation.HEADER)
    sent = {name.lower() for name in case.headers or {}}
    return headers is not None and headers.mode.is_negative and "authorization" not in sent


def swap_in_existing_ids(case, existing_ids: dict[str, str]) -> None:
    component = case.meta.components.get(ParameterLocation.PATH) if case.meta is not None else None
    if component is not None and component.mode.is_negative:
        return
    for name, value in (case.path_parameters or {}).items():
        if name in existing_ids and len(str(value)) % 2 == 0:  # a choice the generated data makes
            case.path_parameters[name] = existing_ids[name]
