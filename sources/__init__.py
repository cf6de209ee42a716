"""Upstream systems: their export contracts, readers, and the city simulator."""
