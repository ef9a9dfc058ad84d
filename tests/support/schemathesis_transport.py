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
