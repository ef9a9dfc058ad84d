"""The catalogue snapshot: compressed rows of the active listings, for cold search instances.

  CATALOGUE              SNAPSHOT   generation, watermark, chunks, count, builtAt (the pointer)
  SNAPSHOT#<generation>  <n:04d>    data (zlib-compressed JSON rows, at most 350 KB per item)

A new snapshot writes its chunks under a new generation, then moves the pointer on condition that
it still names the generation the writer started from (two writers: one wins, the other's chunks
expire). Replaced chunks get a TTL of an hour, long enough for a reader that read the old pointer.
"""

import time
import uuid
from typing import Any

from botocore.exceptions import ClientError

from bluemarble_market.dal.listings import ListingRepository
from bluemarble_market.dal.table import Table
from bluemarble_market.logic.catalogue import decode_rows, encode_rows
from shared.errors import utc_now_iso

REPLACED_TTL_SECONDS = 3600


def _bytes(value: Any) -> bytes:
    return bytes(getattr(value, "value", value))


class CatalogueStore:
    def __init__(self, table_name: str, listings: ListingRepository):
        self.table = Table(table_name)
        self.listings = listings

    def pointer(self) -> dict[str, Any] | None:
        return self.table.get("CATALOGUE", "SNAPSHOT", consistent=True)

    def load_snapshot(self) -> tuple[str, list[dict[str, Any]]] | None:
        pointer = self.pointer()
        if pointer is None:
            return None
        generation = pointer["generation"]
        chunks = self.table.batch_get([(f"SNAPSHOT#{generation}", f"{n:04d}") for n in range(int(pointer["chunks"]))])
        if len(chunks) != int(pointer["chunks"]):
            return None  # replaced and expired under us: start from the change feed instead
        ordered = sorted(chunks, key=lambda chunk: chunk["sk"])
        return pointer["watermark"], decode_rows([_bytes(chunk["data"]) for chunk in ordered])

    def load_catalogue(self) -> list[dict[str, Any]]:
        return self.listings.load_catalogue()

    def changed_since(self, instant: str) -> list[dict[str, Any]] | None:
        return self.listings.changed_since(instant)

    def write_snapshot(self, watermark: str, rows: list[list[Any]], replacing: dict[str, Any] | None) -> bool:
        """Store a snapshot and point to it; False if another writer moved the pointer first."""
        generation = f"{int(time.time() * 1000):013d}-{uuid.uuid4().hex[:8]}"
        chunks = encode_rows(rows)
        for number, data in enumerate(chunks):
            self.table.put({"pk": f"SNAPSHOT#{generation}", "sk": f"{number:04d}", "data": data})
        pointer = {
            "pk": "CATALOGUE",
            "sk": "SNAPSHOT",
            "generation": generation,
            "watermark": watermark,
            "chunks": len(chunks),
            "count": len(rows),
            "bytes": sum(len(chunk) for chunk in chunks),
            "builtAt": utc_now_iso(),
        }
        try:
            if replacing is None:
                self.table.put(pointer, "attribute_not_exists(pk)")
            else:
                self.table.put(pointer, "generation = :seen", seen=replacing["generation"])
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            self._expire(generation, len(chunks))
            return False
        if replacing is not None:
            self._expire(replacing["generation"], int(replacing["chunks"]))
        return True

    def _expire(self, generation: str, chunks: int) -> None:
        expires = int(time.time()) + REPLACED_TTL_SECONDS
        for number in range(chunks):
            self.table.client.update_item(
                TableName=self.table.name,
                Key={"pk": {"S": f"SNAPSHOT#{generation}"}, "sk": {"S": f"{number:04d}"}},
                UpdateExpression="SET expiresAt = :expires",
                ExpressionAttributeValues={":expires": {"N": str(expires)}},
            )
