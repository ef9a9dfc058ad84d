"""Cosmetics through HTTP: the catalogue and its filters, purchases and their errors, limited stock
that never oversells, the inventory, the loadout, the daily shop, and cacheable reads."""

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from cosmic_ttt import dependencies
from cosmic_ttt.catalogue import cosmetics
from cosmic_ttt.logic import cosmetics as cosmetic_rules
from cosmic_ttt.logic import shop
from shared import aws
from shared.dynamo import to_value
from shared.errors import InvalidInput


def today():
    return datetime.now(UTC).date()


def limited_slot():
    return next(slot for slot in shop.rotation(today()) if slot.stock is not None)


def test_the_catalogue_filters_paginates_and_says_what_the_caller_owns(cosmic, cosmic_client):
    player = cosmic.register()
    cosmic.grant(player, {"cosmic_essence": 1500})
    cosmic_client.post("/v1/cosmetics/trail_azure_basic/purchase", headers=player.headers)
    wallet = cosmic.wallet(player)

    trails = cosmic_client.get(
        "/v1/cosmetics", params={"category": "symbol_trail", "faction": "orbis"}, headers=player.headers
    )
    page = cosmic_client.get("/v1/cosmetics", params={"limit": 5, "offset": 5}, headers=player.headers).json()
    affordable = cosmic_client.get("/v1/cosmetics", params={"affordable": "true", "limit": 100}, headers=player.headers)

    items = trails.json()["items"]
    assert {item["category"] for item in items} == {"symbol_trail"} and {item["faction"] for item in items} == {"orbis"}
    azure = next(item for item in items if item["item_code"] == "trail_azure_basic")
    assert azure["is_owned"] is True and azure["is_available"] is True
    assert azure["price"] == {"cosmic_essence": 800}
    assert azure["preview_url"] == "https://cdn.cosmictictactoe.com/previews/trail_azure_basic.webm"
    assert page["pagination"] == {"total": len(cosmetics().items), "limit": 5, "offset": 5, "has_more": True}
    assert len(page["items"]) == 5
    cheap = affordable.json()["items"]
    assert cheap
    for item in cheap:
        price = shop.price_today(cosmetics().by_code(item["item_code"]), today())
        assert all(wallet[currency] >= amount for currency, amount in price.items())


def test_the_catalogue_without_a_token_is_public_and_cached(cosmic_client):
    response = cosmic_client.get("/v1/cosmetics")
    needs_token = cosmic_client.get("/v1/cosmetics", params={"affordable": "true"})

    assert response.status_code == 200
    assert response.headers["cache-control"].startswith("public, max-age=")
    assert int(response.headers["cache-control"].rsplit("=", 1)[1]) <= 3600
    assert not any(item["is_owned"] for item in response.json()["items"])
    assert needs_token.status_code == 401


def test_a_purchase_pays_through_the_ledger_and_lands_in_the_inventory(cosmic, cosmic_client):
    player = cosmic.register()
    cosmic.grant(player, {"cosmic_essence": 15_420})
    item = cosmetics().by_code("trail_azure_basic")

    response = cosmic_client.post(f"/v1/cosmetics/{item.item_id}/purchase", headers=player.headers)

    assert response.status_code == 200
    body = response.json()
    price = shop.price_today(item, today())
    assert body["purchased"] == {"item_id": item.item_id, "name": "Azure Trail", "tier": "common"}
    assert body["price_paid"] == price
    assert body["wallet_after"] == {"cosmic_essence": 15_420 - price["cosmic_essence"]}
    inventory = cosmic_client.get(f"/v1/players/{player.player_id}/inventory", headers=player.headers).json()
    assert [line["inventory_id"] for line in inventory["inventory"]] == [body["inventory_id"]]
    assert inventory["collection_stats"]["total_owned"] == 1
    assert inventory["collection_stats"]["by_tier"] == {
        "common": 1,
        "uncommon": 0,
        "rare": 0,
        "epic": 0,
        "legendary": 0,
    }
    assert inventory["collection_stats"]["completion_percent"] == round(100 / len(cosmetics().items), 1)


def test_purchase_errors(cosmic, cosmic_client):
    player = cosmic.register()
    cosmic.grant(player, {"cosmic_essence": 1000, "starlight_orbs": 500})

    def buy(code):
        response = cosmic_client.post(f"/v1/cosmetics/{code}/purchase", headers=player.headers)
        return response.status_code, response.json()

    assert buy("trail_azure_basic")[0] == 200
    assert buy("trail_azure_basic")[1]["error"]["code"] == "ALREADY_OWNED"
    assert buy("title_centurion")[1]["error"]["code"] == "ITEM_UNAVAILABLE"  # earned, never sold
    not_today = next(i for i in cosmetics().items if i.limited and i.item_code != limited_slot().item.item_code)
    assert buy(not_today.item_code)[1]["error"]["code"] == "ITEM_UNAVAILABLE"
    status, body = buy("trail_comet")  # needs level 10
    assert (status, body["error"]["code"]) == (400, "REQUIREMENTS_NOT_MET")
    assert body["error"]["details"]["unmet"] == {"level": {"required": 10, "current": 1}}
    status, body = buy("grid_obsidian")  # 2,500 essence
    assert (status, body["error"]["code"]) == (400, "INSUFFICIENT_FUNDS")
    assert body["error"]["details"]["required"] > body["error"]["details"]["available"]
    assert buy("no_such_item")[0] == 404


def sell_out_but_one(runtime, code: str, stock: int) -> None:
    aws.dynamodb().put_item(
        TableName=runtime.physical_id("CosmicTable"),
        Item={
            "pk": {"S": f"SHOP#{today().isoformat()}"},
            "sk": {"S": f"STOCK#{code}"},
            "item_code": {"S": code},
            "sold": to_value(stock - 1),
        },
    )


def test_the_last_unit_of_a_limited_item_goes_to_one_buyer_only(runtime, cosmic, cosmic_client):
    slot = limited_slot()
    sell_out_but_one(runtime, slot.item.item_code, slot.stock)
    first, second = cosmic.register(), cosmic.register()
    for player in (first, second):
        cosmic.grant(player, {currency: amount * 2 for currency, amount in slot.sale_price.items()})

    won = cosmic_client.post(f"/v1/cosmetics/{slot.item.item_code}/purchase", headers=first.headers)
    lost = cosmic_client.post(f"/v1/cosmetics/{slot.item.item_code}/purchase", headers=second.headers)
    daily = cosmic_client.get("/v1/shop/daily").json()

    assert won.status_code == 200
    assert (lost.status_code, lost.json()["error"]["code"]) == (400, "ITEM_UNAVAILABLE")
    shown = next(s for s in daily["slots"] if s["item"]["item_code"] == slot.item.item_code)
    assert shown["stock_remaining"] == 0
    assert cosmic.wallet(second) == {
        **{c: 0 for c in cosmic.wallet(second)},
        **{c: amount * 2 for c, amount in slot.sale_price.items()},
    }


def test_a_stale_stock_read_still_cannot_oversell(runtime, cosmic):
    """Two buyers read the stock at once: the conditional write in the payment's transaction,
    not the read, decides. The second is refused and pays nothing."""
    slot = limited_slot()
    sell_out_but_one(runtime, slot.item.item_code, slot.stock)
    buyers = [cosmic.register(), cosmic.register()]
    for player in buyers:
        cosmic.grant(player, dict(slot.sale_price))
    with runtime.function_environment("CosmicCosmeticsFunction"):
        services = dependencies.services()
        stale = replace(services, shop=StaleStock(services.shop))
        cosmetic_rules.purchase(stale, buyers[0].player_id, slot.item.item_code, today(), services.stamp())
        with pytest.raises(InvalidInput) as refused:
            cosmetic_rules.purchase(stale, buyers[1].player_id, slot.item.item_code, today(), services.stamp())
        assert refused.value.code == "ITEM_UNAVAILABLE"
        assert services.shop.sold(today().isoformat(), [slot.item.item_code])[slot.item.item_code] == slot.stock
    assert cosmic.wallet(buyers[1]) == {**cosmic.wallet(buyers[1]), **slot.sale_price}


class StaleStock:
    """The shop store as a request that read the stock before another bought the last unit."""

    def __init__(self, real):
        self.real = real

    def sold(self, day, codes):
        return dict.fromkeys(codes, 0)

    def __getattr__(self, name):
        return getattr(self.real, name)


def test_the_loadout_takes_owned_items_that_fit_their_slot(cosmic, cosmic_client):
    player, friend = cosmic.register(), cosmic.register()
    cosmic.grant(player, {"cosmic_essence": 3000})
    for code in ("trail_azure_basic", "cell_ripple"):
        assert cosmic_client.post(f"/v1/cosmetics/{code}/purchase", headers=player.headers).status_code == 200
    azure, ripple = cosmetics().by_code("trail_azure_basic"), cosmetics().by_code("cell_ripple")
    url = f"/v1/players/{player.player_id}/loadout"

    updated = cosmic_client.put(
        url,
        json={"symbol_trail_o": azure.item_id, "cell_animation": "cell_ripple", "grid_skin": None},
        headers=player.headers,
    )
    seen = cosmic_client.get(url, headers=friend.headers).json()

    assert updated.status_code == 200
    assert updated.json()["loadout"] == {
        "symbol_trail_o": {"item_id": azure.item_id, "name": "Azure Trail"},
        "cell_animation": {"item_id": ripple.item_id, "name": "Ripple Effect"},
        "grid_skin": None,
    }
    assert seen["loadout"]["symbol_trail_o"]["name"] == "Azure Trail"
    assert seen["loadout"]["symbol_trail_x"] is None and len(seen["loadout"]) == 9

    def refused(body):
        response = cosmic_client.put(url, json=body, headers=player.headers)
        return response.status_code, response.json()["error"]["code"]

    assert refused({"symbol_trail_x": azure.item_id}) == (400, "INVALID_SLOT_ITEM")  # an O trail
    assert refused({"grid_skin": azure.item_id}) == (400, "INVALID_SLOT_ITEM")
    assert refused({"grid_skin": "grid_obsidian"}) == (400, "ITEM_NOT_OWNED")
    assert refused({"cape": None}) == (400, "VALIDATION_ERROR")
    assert cosmic_client.put(url, json={"symbol_trail_o": None}, headers=friend.headers).status_code == 403
    cleared = cosmic_client.put(url, json={"symbol_trail_o": None}, headers=player.headers)
    assert cleared.json()["loadout"] == {"symbol_trail_o": None}
    inventory = cosmic_client.get(f"/v1/players/{player.player_id}/inventory", headers=player.headers).json()
    assert {line["item_code"]: line["is_equipped"] for line in inventory["inventory"]} == {
        "trail_azure_basic": False,
        "cell_ripple": True,
    }


def test_the_daily_shop_is_the_computed_rotation(cosmic_client):
    response = cosmic_client.get("/v1/shop/daily")

    body = response.json()
    assert body["rotation_date"] == today().isoformat()
    assert body["refreshes_at"] == shop.refreshes_at(today())
    assert [s["item"]["item_code"] for s in body["slots"]] == [s.item.item_code for s in shop.rotation(today())]
    featured = body["slots"][0]
    assert featured["is_featured"] and featured["discount_percent"] in (15, 20, 25)
    assert all(
        s["stock_remaining"] is None for s in body["slots"] if not cosmetics().by_code(s["item"]["item_code"]).limited
    )
    assert response.headers["cache-control"].startswith("public, max-age=")


def test_a_featured_item_costs_its_sale_price(cosmic, cosmic_client):
    slot = next(s for s in shop.rotation(today()) if s.is_featured and not s.item.unlock_requirements)
    player = cosmic.register()
    cosmic.grant(player, dict(slot.item.price))

    bought = cosmic_client.post(f"/v1/cosmetics/{slot.item.item_code}/purchase", headers=player.headers)

    if slot.stock is None or bought.status_code == 200:
        assert bought.json()["price_paid"] == slot.sale_price


@pytest.mark.parametrize("path", ["wallet", "progress", "loadout"])
def test_a_players_cacheable_reads_revalidate_with_etags_that_change_with_the_data(cosmic, cosmic_client, path):
    player = cosmic.register()
    url = f"/v1/players/{player.player_id}/{path}"
    first = cosmic_client.get(url, headers=player.headers)
    etag = first.headers["etag"]

    again = cosmic_client.get(url, headers={**player.headers, "If-None-Match": etag})
    cosmic.grant(player, {"cosmic_essence": 900}, resonance=100)
    cosmic_client.post("/v1/cosmetics/trail_azure_basic/purchase", headers=player.headers)
    cosmic_client.put(
        f"/v1/players/{player.player_id}/loadout", json={"symbol_trail_o": "trail_azure_basic"}, headers=player.headers
    )
    changed = cosmic_client.get(url, headers={**player.headers, "If-None-Match": etag})

    assert first.headers["cache-control"] == "private, no-cache"
    assert (again.status_code, again.content) == (304, b"")
    assert again.headers["etag"] == etag
    assert changed.status_code == 200 and changed.headers["etag"] != etag
