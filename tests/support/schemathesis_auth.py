"""The caller's token for a generated case, unless the case is schemathesis's own missing-token probe.

The coverage phase sends each required header left out once, and its missing_required_header check
then expects a 401 for Authorization. Adding the caller's token to that probe would send a request
with a token and still judge it as one without (a 404 for a drawn id then reads as a failure).
"""

from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation.meta import CoveragePhaseData, CoverageScenario


def headers_for(case, caller_headers: dict[str, str]) -> dict[str, str]:
    if _probes_missing_authorization(case):
        return {name: value for name, value in caller_headers.items() if name.lower() != "authorization"}
    return caller_headers


def _probes_missing_authorization(case) -> bool:
    data = case.meta.phase.data if case.meta is not None else None
    return (
        isinstance(data, CoveragePhaseData)
        and data.scenario == CoverageScenario.MISSING_PARAMETER
        and data.parameter_location == ParameterLocation.HEADER
        and (data.parameter or "").lower() == "authorization"
    )
