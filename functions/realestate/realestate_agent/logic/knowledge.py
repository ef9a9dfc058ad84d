"""An agent's searchable knowledge, cached by the warm instance.

The agent item lists its ready documents (``knowledge``: document id -> shard key) and a
``knowledgeVersion``; the index is rebuilt only when that version changes, and only shards not
already held are read from S3. A reply on a warm instance therefore reads nothing for retrieval.
"""

from collections import OrderedDict
from typing import Any, Protocol

from realestate_agent.logic.retrieval import Index

MAX_AGENTS_CACHED = 64


class ShardReader(Protocol):
    def read_shard(self, key: str) -> dict[str, Any] | None: ...


class KnowledgeCache:
    def __init__(self, reader: ShardReader):
        self.reader = reader
        self._indexes: OrderedDict[str, tuple[int, Index]] = OrderedDict()
        self._shards: dict[str, dict[str, Any]] = {}

    def index(self, agent: dict[str, Any]) -> Index:
        version = int(agent.get("knowledgeVersion", 0))
        cached = self._indexes.get(agent["id"])
        if cached is not None and cached[0] == version:
            self._indexes.move_to_end(agent["id"])
            return cached[1]
        shards = []
        for document_id, entry in sorted((agent.get("knowledge") or {}).items()):
            key = entry["shard"]
            if key not in self._shards:
                shard = self.reader.read_shard(key)
                if shard is None:
                    continue
                self._shards[key] = shard
            shards.append(self._shards[key])
            del document_id
        index = Index.from_shards(shards)
        self._indexes[agent["id"]] = (version, index)
        while len(self._indexes) > MAX_AGENTS_CACHED:
            evicted_id, _ = self._indexes.popitem(last=False)
            prefix = f"/{evicted_id}/"
            for key in [k for k in self._shards if prefix in k]:
                del self._shards[key]
        return index
