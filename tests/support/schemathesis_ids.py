"""Real ids in about half of the generated cases, so operations on existing resources run too.

A case whose path parameters schemathesis made invalid on purpose keeps them: swapping in a real
id would send a valid request and still judge it as an invalid one.
"""

from schemathesis.core.parameters import ParameterLocation


def swap_in_existing_ids(case, existing_ids: dict[str, str]) -> None:
    component = case.meta.components.get(ParameterLocation.PATH) if case.meta is not None else None
    if component is not None and component.mode.is_negative:
        return
    for name, value in (case.path_parameters or {}).items():
        if name in existing_ids and len(str(value)) % 2 == 0:  # a choice the generated data makes
            case.path_parameters[name] = existing_ids[name]
