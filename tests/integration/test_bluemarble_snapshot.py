"""The search snapshot: the change consumer writes one when listings changed; a cold search
instance starts from it plus the changes since, without paging through the catalogue."""

from bluemarble_market.logic.catalogue import WarmCatalogue
from tests.support.bluemarble import stream_event, table_item


def test_a_cold_instance_starts_from_the_snapshot_and_the_changes_since(bluemarble, runtime):
    from bluemarble_market import dependencies

    item = bluemarble.define_item()
    seller = bluemarble.funded(items=[(item, 10)])
    before = bluemarble.list_item(seller, item, 5, "1.00")
    # a listing change reaches the consumer, which writes a snapshot (none is fresh enough)
    change = table_item(runtime, f"LISTING#{before['id']}", "LISTING")
    with runtime.function_environment("BlueMarbleChangesFunction"):
        from bluemarble_market.handlers import changes

        store = dependencies.catalogue_store()
        pointer_before = store.pointer()
        runtime.invoke("BlueMarbleChangesFunction", stream_event(runtime, [(None, change)]))
        if pointer_before is not None:  # an earlier test left a fresh one: make this one anew
            changes.refresh_snapshot(force=True)
        pointer = store.pointer()
    assert pointer is not None and pointer["count"] >= 1 and pointer["chunks"] >= 1
    # a listing made after the snapshot, and the first one sold out
    other_item = bluemarble.define_item()
    assert bluemarble.grant(seller, items=[(other_item, "Aethermoor", 3)]).status_code == 201
    after = bluemarble.list_item(seller, other_item, 3, "2.00")
    buyer = bluemarble.funded()
    assert bluemarble.buy(buyer, before["id"], 5).status_code == 201
    # a cold instance: snapshot (one pointer read, one batch of chunks) plus the changes since
    with runtime.function_environment("BlueMarbleBrowseFunction"):
        cold = WarmCatalogue(dependencies.catalogue_store(), refresh_seconds=60)
        index = cold.current()
    assert cold.loaded_from == "snapshot"
    assert after["id"] in index.entries
    assert before["id"] not in index.entries


def test_the_snapshot_is_not_rewritten_while_it_is_fresh(bluemarble, runtime):
    from bluemarble_market import dependencies
    from bluemarble_market.handlers import changes

    with runtime.function_environment("BlueMarbleChangesFunction"):
        changes.refresh_snapshot(force=True)  # a fresh one now
        generation = dependencies.catalogue_store().pointer()["generation"]
        assert changes.refresh_snapshot() is False
        assert dependencies.catalogue_store().pointer()["generation"] == generation
