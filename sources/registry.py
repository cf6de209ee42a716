"""Every contract the product ingests, by system, in one place."""

from __future__ import annotations

from sources.contracts import TableContract
from sources.systems import (
    approvals,
    complaints,
    drones,
    enforcement,
    grid,
    inspection,
    items,
    market,
    organisation,
    oversight,
    warnings,
)

CONTRACTS: tuple[TableContract, ...] = (
    *approvals.CONTRACTS,
    *inspection.CONTRACTS,
    *enforcement.CONTRACTS,
    *organisation.CONTRACTS,
    *items.CONTRACTS,
    *drones.CONTRACTS,
    *market.CONTRACTS,
    *complaints.CONTRACTS,
    *grid.CONTRACTS,
    *warnings.CONTRACTS,
    *oversight.CONTRACTS,
)


def contract_for(table_name: str) -> TableContract:
    """Look a contract up by its raw table name, e.g. ``inspection_tasks``."""
    for contract in CONTRACTS:
        if contract.table_name == table_name:
            return contract
    raise KeyError(f"no contract for table {table_name!r}")
