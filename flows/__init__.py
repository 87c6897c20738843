"""Prefect flows: the I/O and orchestration around the pure stages in `pipeline`.

Importing this package points Prefect at kopi's own state folder before Prefect itself is
imported, so a run never writes into the user's ~/.prefect and works offline.
"""

from flows.runtime import configure_prefect

configure_prefect()
