"""The caller's token for a generated case, unless the case is schemathesis's own missing-token probe.

The coverage phase sends each required header left out once, and its missing_required_header check
then expects a 401 for Authorization; the fuzzing phase's negative data may leave the token out too
(the bearer scheme's header counts as required) and negative_data_rejection then expects a refusal.
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
    if isinstance(data, CoveragePhaseData):
        return (
            data.scenario == CoverageScenario.MISSING_PARAMETER
            and data.parameter_location == ParameterLocation.HEADER
            and (data.parameter or "").lower() == "authorization"
        )
    headers = case.meta.components.get(ParameterLocation.HEADER)
    sent = {name.lower() for name in case.headers or {}}
    return headers is not None and headers.mode.is_negative and "authorization" not in sent
