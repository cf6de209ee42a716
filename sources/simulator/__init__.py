"""The city simulator: upstream systems of the Quzhou scenario, landed as daily exports.

``generate(landing_dir)`` (or ``python -m sources.simulator generate``) writes each system's
daily export files in the layout the ingest path reads, with a small share of realistic
defects and a ledger of them beside the landing zone. One module per system
(``inspection``, ``enforcement``) draws on a shared world (``world``, ``city``) and calendar
(``timeline``); ``defects`` and ``writers`` turn rows into files.
"""

from sources.simulator.engine import (
    DEFAULT_END,
    DEFAULT_SEED,
    DEFAULT_START,
    SCALES,
    GenerationReport,
    generate,
)

__all__ = ["DEFAULT_END", "DEFAULT_SEED", "DEFAULT_START", "SCALES", "GenerationReport",
           "generate"]
