"""A generated case without the HTTP framing headers the fuzzer may have drawn.

Schemathesis adds arbitrary extra headers to some cases, and a drawn ``Content-Length: xP'uvj`` or
``Transfer-Encoding`` describes how the bytes travel, not what the API is asked: API Gateway reads
them before any function runs (as the local runtime's server does, answering a malformed one with its
own HTML 400), so they test the transport, not the API. The HTTP client sets the true ones.
"""

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
