"""Running the suite's accounts on an orchestrator: one partition per (provider, account).

``partitions.py`` names the partitions of a config (no orchestrator needed);
``dagster_defs.py`` holds the Dagster definitions (the ``orchestrator`` extra).
"""
