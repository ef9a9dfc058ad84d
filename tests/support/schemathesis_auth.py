"""The caller's token for a generated case, unless the case is schemathesis's own missing-token probe.

The coverage phase sends each required header left out once, and its missing_required_header check
then expects a 401 for Authorization; the fuzzing phase's negative headers may leave it out too.
Adding the caller's token to such a probe would send a request with a token and still judge it as
one without (a 404 for a drawn id, or a 200, then reads as a failure).
"""

from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation.meta import CoveragePhaseData, CoverageScenario


def headers_for(case, caller_headers: dict[str, str]) -> dict[str, str]:
    if _probes_missing_authorization(case):
        return {name: value for name, value in caller_headers.items() if name.lower() != "authorization"}
    return caller_headers


def _probes_missing_authorization(case) -> bool:
    if case.meta is None:
        return False
    data = case.meta.phase.data
    if (
        isinstance(data, CoveragePhaseData)
        and data.scenario == CoverageScenario.MISSING_PARAMETER
        and data.parameter_location == ParameterLocation.HEADER
        and (data.parameter or "").lower() == "authorization"
    ):
        return True
    # The fuzzing phase's negative headers may leave out the Authorization header the operation
    # requires (its positive headers carry a generated one, which the caller's replaces).
    headers = case.meta.components.get(ParameterLocation.HEADER)
    return (
        headers is not None
        and headers.mode.is_negative
        and bool(case.operation.definition.raw.get("security"))
        and not any(name.lower() == "authorization" for name in (case.headers or {}))
    )
