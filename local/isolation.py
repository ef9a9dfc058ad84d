"""What one Lambda instance owns, kept apart while many run in one Python process.

In AWS every warm instance of a function is its own process: its own environment variables, its
own module-level caches, its own Powertools log keys. Here many instances run at once on threads
of one process, so the runtime gives each an ``InstanceState`` and makes three things read through
it (a ``ContextVar``, so it follows the instance into threads that copy the context: FastAPI's
threadpool for ``def`` routes, ``asyncio.to_thread``):

* ``os.environ`` (and so ``os.getenv``, pydantic-settings, Powertools, boto3): inside an instance it
  is that instance's own copy, built from the process environment, less every variable another
  function of the template defines, plus the function's own variables and the ones Lambda sets
  (``AWS_LAMBDA_FUNCTION_NAME``...). Writes stay in the instance. Outside any instance (a test,
  the runtime itself) it is the process environment as usual.
* ``functools.lru_cache`` / ``functools.cache`` applied to the project's own code (anything that
  is not the standard library or an installed package): each instance fills its own cache, as a
  process would, so a settings getter, a client or a warm in-memory index built by one function
  or instance is never handed to another. Outside any instance they behave as plain caches.
  Caches created before ``install()`` are converted where modules hold them by name.
* Powertools' ``LambdaPowertoolsFormatter.log_format``: keys appended by one instance
  (``append_keys``, ``inject_lambda_context``) appear on that instance's lines only.

Not covered (documented in docs/local-runtime.md): plain module-level globals that code mutates
(a ``dict`` at module level is shared by every instance of every function), ``os.environb``, and
threads a handler starts without copying its context (they see the process environment).
"""

import functools
import os
import sys
import sysconfig
import threading
import types
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_CURRENT: ContextVar["InstanceState | None"] = ContextVar("local_lambda_instance", default=None)
_real_lru_cache = functools.lru_cache
_installed = False
_install_lock = threading.Lock()
_client_lock = threading.RLock()


@dataclass(eq=False)
class InstanceState:
    """One instance's process-like state: environment, caches, log keys."""

    function_key: str
    environment: dict[Any, Any]  # encoded as os.environ stores it
    caches: dict[int, Callable] = field(default_factory=dict)
    log_formats: dict[int, dict[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _STATES.add(self)


_STATES: "weakref.WeakSet[InstanceState]" = weakref.WeakSet()


def current() -> InstanceState | None:
    return _CURRENT.get()


@contextmanager
def running_as(state: InstanceState | None) -> Iterator[None]:
    """Make ``state`` the current instance in this context for the block."""
    token = _CURRENT.set(state)
    try:
        yield
    finally:
        _CURRENT.reset(token)


def enter(state: InstanceState) -> None:
    """Make ``state`` current for the rest of this thread's context (an instance's own thread)."""
    _CURRENT.set(state)


def encoded_environment(variables: dict[str, str], hidden: set[str]) -> dict[Any, Any]:
    """The process environment less ``hidden`` plus ``variables``, encoded as os.environ's store."""
    environ = os.environ
    base = dict(environ.__dict__["_data"])
    for name in hidden:
        base.pop(environ.encodekey(name), None)
    for name, value in variables.items():
        base[environ.encodekey(name)] = environ.encodevalue(value)
    return base


# -- os.environ -----------------------------------------------------------------------------------


class _InstanceEnviron(os._Environ):  # type: ignore[name-defined]
    """os.environ whose store is the current instance's copy while one runs."""

    @property  # type: ignore[override]
    def _data(self) -> dict[Any, Any]:
        state = _CURRENT.get()
        return state.environment if state is not None else self.__dict__["_data"]

    def __setitem__(self, key: str, value: str) -> None:
        state = _CURRENT.get()
        if state is None:
            super().__setitem__(key, value)
        else:
            state.environment[self.encodekey(key)] = self.encodevalue(value)

    def __delitem__(self, key: str) -> None:
        state = _CURRENT.get()
        if state is None:
            super().__delitem__(key)
            return
        try:
            del state.environment[self.encodekey(key)]
        except KeyError:
            raise KeyError(key) from None


# -- functools caches -----------------------------------------------------------------------------


def _third_party_roots() -> tuple[str, ...]:
    paths = sysconfig.get_paths()
    roots = {paths["stdlib"], paths["platstdlib"], paths["purelib"], paths["platlib"], sys.base_prefix, sys.prefix}
    return tuple(str(Path(root).resolve()) for root in roots if root)


_THIRD_PARTY = _third_party_roots()


def _is_project_code(function: Any) -> bool:
    code = getattr(function, "__code__", None)
    if code is None:
        return False
    filename = str(Path(code.co_filename).resolve()) if code.co_filename.startswith(os.sep) else code.co_filename
    return filename.startswith(os.sep) and not filename.startswith(_THIRD_PARTY)


class PerInstanceCache:
    """An lru_cache whose contents belong to the current instance (one per process in AWS)."""

    def __init__(self, function: Callable, maxsize: int | None, typed: bool, process_cache: Callable | None = None):
        self._function = function
        self._maxsize = maxsize
        self._typed = typed
        self._process = process_cache or _real_lru_cache(maxsize=maxsize, typed=typed)(function)
        functools.update_wrapper(self, function)

    def _cache(self) -> Callable:
        state = _CURRENT.get()
        if state is None:
            return self._process
        cache = state.caches.get(id(self))
        if cache is None:
            cache = state.caches[id(self)] = _real_lru_cache(maxsize=self._maxsize, typed=self._typed)(self._function)
        return cache

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._cache()(*args, **kwargs)

    def __get__(self, instance: Any, owner: Any = None) -> Any:
        return self if instance is None else types.MethodType(self, instance)

    def cache_clear(self) -> None:
        """Forget every instance's values (and the process's): as after a new deployment."""
        self._process.cache_clear()
        for state in list(_STATES):
            state.caches.pop(id(self), None)

    def cache_info(self) -> Any:
        return self._cache().cache_info()  # type: ignore[attr-defined]

    def cache_parameters(self) -> dict[str, Any]:
        return {"maxsize": self._maxsize, "typed": self._typed}


def _lru_cache(maxsize: Any = 128, typed: bool = False) -> Any:
    if callable(maxsize) and not isinstance(maxsize, int):  # @lru_cache without arguments
        return _lru_cache(128, typed)(maxsize)

    def decorate(function: Callable) -> Any:
        if _is_project_code(function):
            return PerInstanceCache(function, maxsize, typed)
        return _real_lru_cache(maxsize=maxsize, typed=typed)(function)

    return decorate


def _convert_loaded_caches() -> None:
    """Caches made before install(): replace them wherever a project module names them."""
    converted: dict[int, PerInstanceCache] = {}
    for module in list(sys.modules.values()):
        namespace = getattr(module, "__dict__", None)
        if not isinstance(namespace, dict) or not _is_project_module(module):
            continue
        for name, value in list(namespace.items()):
            if not isinstance(value, functools._lru_cache_wrapper) or not _is_project_code(value.__wrapped__):
                continue
            if id(value) not in converted:
                parameters = value.cache_parameters()
                converted[id(value)] = PerInstanceCache(
                    value.__wrapped__, parameters["maxsize"], parameters["typed"], process_cache=value
                )
            namespace[name] = converted[id(value)]


def _is_project_module(module: types.ModuleType) -> bool:
    filename = getattr(module, "__file__", None)
    return bool(filename) and not str(Path(filename).resolve()).startswith(_THIRD_PARTY)


# -- Powertools log keys --------------------------------------------------------------------------


def _isolate_powertools_log_keys() -> None:
    from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter

    if isinstance(LambdaPowertoolsFormatter.__dict__.get("log_format"), property):
        return

    def get(formatter: Any) -> dict[str, Any]:
        if "_process_log_format" not in formatter.__dict__:  # a formatter made before install()
            formatter.__dict__["_process_log_format"] = formatter.__dict__.pop("log_format", {})
            formatter.__dict__["_initial_log_format"] = dict(formatter.__dict__["_process_log_format"])
        state = _CURRENT.get()
        if state is None:
            return formatter.__dict__["_process_log_format"]
        own = state.log_formats.get(id(formatter))
        if own is None:
            own = state.log_formats[id(formatter)] = dict(formatter.__dict__["_initial_log_format"])
        return own

    def set_(formatter: Any, value: dict[str, Any]) -> None:
        state = _CURRENT.get()
        if state is None:
            formatter.__dict__["_process_log_format"] = value
        else:
            state.log_formats[id(formatter)] = value

    LambdaPowertoolsFormatter.log_format = property(get, set_)  # type: ignore[assignment]
    original_init = LambdaPowertoolsFormatter.__init__

    def init(formatter: Any, *args: Any, **kwargs: Any) -> None:
        with running_as(None):
            original_init(formatter, *args, **kwargs)
        # The keys a formatter starts with (service, level...) are every instance's starting keys.
        formatter.__dict__["_initial_log_format"] = dict(formatter.__dict__["_process_log_format"])

    LambdaPowertoolsFormatter.__init__ = init  # type: ignore[method-assign]


# -- boto3 ----------------------------------------------------------------------------------------


def _serialise_client_creation() -> None:
    """botocore sessions are not safe to create clients from on several threads at once (each
    Lambda process has its own); instances share boto3's default session here, so take turns."""
    from botocore.session import Session

    if getattr(Session.create_client, "local_serialised", False):
        return
    original = Session.create_client

    def create_client(session: Any, *args: Any, **kwargs: Any) -> Any:
        with _client_lock:
            return original(session, *args, **kwargs)

    create_client.local_serialised = True  # type: ignore[attr-defined]
    Session.create_client = create_client  # type: ignore[method-assign]


def install() -> None:
    """Make environment, project caches and Powertools log keys per instance (idempotent)."""
    global _installed
    with _install_lock:
        if _installed:
            return
        os.environ.__class__ = _InstanceEnviron
        functools.lru_cache = _lru_cache  # type: ignore[assignment]
        _convert_loaded_caches()
        _isolate_powertools_log_keys()
        _serialise_client_creation()
        _installed = True
