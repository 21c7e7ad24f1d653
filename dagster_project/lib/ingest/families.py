"""Source families: the tables each one lands, and any reading a family needs beyond its contract.

A file is read once, whatever its family: the contract it matches decides where its rows
land. Most families are fully described by their contracts; a family whose cells need more
than a generic column type (indicator targets written as text) registers a completion step
here, so that ingestion and ``nq57 check`` read its files the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from dagster_project.lib.ingest.budget_checks import complete_budget_submission
from dagster_project.lib.ingest.contracts import Contract
from dagster_project.lib.ingest.indicators import complete_indicator_submission
from dagster_project.lib.ingest.landed import family_tables
from dagster_project.lib.ingest.public_services import complete_public_service_submission
from dagster_project.lib.ingest.submission import ParsedSubmission, parse_submission
from dagster_project.lib.reference.agencies import AgencyDirectory

# Landed tables per family, as the contracts declare them (see lib.ingest.landed).
FAMILY_TABLES: dict[str, tuple[str, ...]] = family_tables()

# Steps run on a parsed submission of a family before it lands (rows they cannot read move
# to the submission's problems, so they are quarantined like contract problems).
COMPLETIONS: dict[str, Callable[[ParsedSubmission], ParsedSubmission]] = {
    "indicators": complete_indicator_submission,
    "budget": complete_budget_submission,
    "public_services": complete_public_service_submission,
}


def read_submission(path: Path, contracts: dict[str, Contract],
                    directory: AgencyDirectory) -> ParsedSubmission:
    """Parse ``path`` against the contracts, then complete it as its family requires."""
    submission = parse_submission(path, contracts, directory)
    complete = COMPLETIONS.get(submission.family or "")
    return complete(submission) if complete is not None else submission
