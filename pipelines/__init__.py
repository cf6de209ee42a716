"""The Dagster code location: ingest, dbt, quality checks, publishing and schedules."""
