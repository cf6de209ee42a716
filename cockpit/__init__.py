"""Streamlit cockpit: read-only dashboards over the published DuckDB snapshot."""
