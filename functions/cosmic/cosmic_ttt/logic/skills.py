"""Skill trees (data/skill_trees.json): the Path of Orbis (O, paid in Starlight Orbs) and the Path of
Crucia (X, paid in Shadow Shards), three branches of four tiers each.

Decisions the spec leaves open:

* A node's prerequisite is the tier below it in its branch; tier 4 also costs 2 alignment
  crystals. A tree is mastered when all 12 of its nodes are unlocked. The awakened path is
  accessible once both trees are mastered and the player has 50 wins as O and 50 as X (its
  requirements are listed as the spec shows); it opens the ``awakened`` cosmetics.
* The skill tree opens at level 3: unlocking before that is 403 ``SKILL_TREE_LOCKED``.
* Errors are checked most-final first: 404 ``NODE_NOT_FOUND``, 400 ``ALREADY_UNLOCKED`` (owning
  the node makes the rest moot), 400 ``PREREQUISITE_NOT_MET``, then 400 ``INSUFFICIENT_CURRENCY``
  (the only one that depends on the wallet).
* The price goes to ``system:skills`` in the same ledger transaction that records the node, so a
  node is never paid for twice or owned unpaid.
"""

from typing import Any

from cosmic_ttt.catalogue import skill_trees
from cosmic_ttt.logic import economy, progression
from cosmic_ttt.logic.achievements import effects
from cosmic_ttt.logic.progression import ProgressChange
from shared.errors import Forbidden, InvalidInput, NotFound


def _awakened(unlocked: set[str], progress: dict[str, Any]) -> dict[str, Any]:
    trees = skill_trees()
    mastered = {tree.tree_id: all(node.node_id in unlocked for node in tree.nodes) for tree in trees.trees}
    requirements = {
        "orbis_mastery": mastered.get("orbis", False),
        "crucia_mastery": mastered.get("crucia", False),
        "wins_as_o": progress["wins_as_o"],
        "wins_as_x": progress["wins_as_x"],
        "required_wins": trees.required_wins,
    }
    accessible = (
        all(mastered.get(tree, False) for tree in trees.requires_mastery)
        and progress["wins_as_o"] >= trees.required_wins
        and progress["wins_as_x"] >= trees.required_wins
    )
    return {"accessible": accessible, "requirements": requirements}


def awakened_path_open(services: Any, player_id: str, progress: dict[str, Any]) -> bool:
    unlocked = {record["node_id"] for record in services.players.records(player_id, "SKILL#")}
    return _awakened(unlocked, progress)["accessible"]


def skills_view(services: Any, player_id: str) -> dict[str, Any]:
    progress = services.players.progress(player_id)
    records = {record["node_id"]: record for record in services.players.records(player_id, "SKILL#")}
    trees = []
    for tree in skill_trees().trees:
        invested: dict[str, int] = {}
        branches = []
        for branch, nodes in tree.branches:
            unlocked_nodes, locked_nodes = [], []
            for node in nodes:
                if node.node_id in records:
                    unlocked_nodes.append(
                        {
                            "node_id": node.node_id,
                            "name": node.name,
                            "tier": node.tier,
                            "unlocked_at": records[node.node_id]["unlocked_at"],
                        }
                    )
                    for currency, amount in node.cost.items():
                        invested[currency] = invested.get(currency, 0) + amount
                else:
                    locked_nodes.append(
                        {
                            "node_id": node.node_id,
                            "name": node.name,
                            "tier": node.tier,
                            "cost": node.cost,
                            "prerequisites": list(node.prerequisites),
                        }
                    )
            branches.append({"branch": branch, "unlocked_nodes": unlocked_nodes, "locked_nodes": locked_nodes})
        count = sum(len(branch["unlocked_nodes"]) for branch in branches)
        trees.append(
            {
                "tree_id": tree.tree_id,
                "name": tree.name,
                "faction": tree.faction,
                "nodes_unlocked": count,
                "total_nodes": len(tree.nodes),
                "total_invested": invested,
                "is_mastered": count == len(tree.nodes),
                "branches": branches,
            }
        )
    return {"player_id": player_id, "trees": trees, "awakened_path": _awakened(set(records), progress)}


def unlock(services: Any, player_id: str, node_id: str, now: str) -> dict[str, Any]:
    node = skill_trees().nodes.get(node_id)
    if node is None:
        raise NotFound(f"No skill node {node_id}", {"node_id": node_id}, code="NODE_NOT_FOUND")
    progress = services.players.progress(player_id)
    level = progression.level_for(progress["cosmic_resonance"])
    if not progression.unlocks(level, progress["matches"])["skill_tree"]:
        raise Forbidden(
            "The skill tree opens at a higher level",
            {"required_level": progression.progression().feature_level("skill_tree"), "current_level": level},
            code="SKILL_TREE_LOCKED",
        )
    unlocked = {record["node_id"] for record in services.players.records(player_id, "SKILL#")}
    already = lambda: InvalidInput(f"{node.name} is already unlocked", code="ALREADY_UNLOCKED")  # noqa: E731
    if node_id in unlocked:
        raise already()
    missing = [required for required in node.prerequisites if required not in unlocked]
    if missing:
        raise InvalidInput(
            f"{node.name} needs {', '.join(missing)} first", {"missing": missing}, code="PREREQUISITE_NOT_MET"
        )
    balances = services.wallets.balances(player_id, list(node.cost))
    economy.require_funds(balances, node.cost, "INSUFFICIENT_CURRENCY", f"unlock {node.name}")
    tree_counter = f"{node.tree_id}_nodes"
    change = ProgressChange.adding(skill_nodes=1, **{tree_counter: 1})
    consequences = effects(services, player_id, progress, change, now)
    moved = economy.move(
        services,
        f"skill:{player_id}:{node_id}",
        player_id,
        f"Skill: {node.name}",
        "skill_unlock",
        payments=node.cost,
        sink="skills",
        extra_writes=[services.players.skill_unlock(player_id, node_id, now, already), *consequences.writes],
        metadata={"node_id": node_id},
        insufficient_code="INSUFFICIENT_CURRENCY",
    )
    services.notify(player_id, consequences.events)
    tree = next(tree for tree in skill_trees().trees if tree.tree_id == node.tree_id)
    return {
        "unlocked": {"node_id": node.node_id, "name": node.name, "tier": node.tier, "effect": node.effect},
        "currency_spent": node.cost,
        "wallet_after": moved.balances_after,
        "tree_progress": {
            "nodes_unlocked": sum(1 for n in tree.nodes if n.node_id in unlocked) + 1,
            "total_nodes": len(tree.nodes),
        },
    }
