"""`pmsgate integrations list`, `pmsgate sync … --inline/--follow` and `pmsgate jobs list|show`,
run through the real typer app against the suite's database."""

from __future__ import annotations

from typer.testing import CliRunner

from pmsgate.cli import app
from tests.fixtures.api import CustomerKey
from tests.fixtures.sample import Served, create_integration, run_queued_syncs

runner = CliRunner(env={"COLUMNS": "250"})  # rich tables do not wrap ids at this width


def test_integrations_list_shows_a_customers_integrations(
    customer: CustomerKey, sample_server: Served
) -> None:
    integration_id, _ = create_integration(customer, sample_server.base_url, name="Listed PMS")
    result = runner.invoke(app, ["integrations", "list", "--customer", customer.customer_id])
    assert result.exit_code == 0, result.output
    assert integration_id in result.output and "SAMPLE1" in result.output


def test_sync_inline_shows_progress_and_ends_with_a_summary(
    customer: CustomerKey, sample_server: Served
) -> None:
    integration_id, dispatcher = create_integration(customer, sample_server.base_url)
    assert run_queued_syncs(dispatcher) == ["COMPLETED"]
    result = runner.invoke(app, ["sync", integration_id, "--inline"])
    assert result.exit_code == 0, result.output
    lines = result.output
    assert "COMPLETED" in lines and "resident_charges" in lines and "records/s" in lines
    unknown = runner.invoke(app, ["sync", "intg_unknown", "--inline"])
    assert unknown.exit_code == 2 and "not found" in unknown.output


def test_jobs_list_and_show(customer: CustomerKey, sample_server: Served) -> None:
    from pmsgate.kit.db import session_factory, unit_of_work
    from pmsgate.kit.ids import new_id
    from pmsgate.kit.timeutil import utcnow
    from pmsgate.models.jobs import WriteJob

    integration_id, _ = create_integration(customer, sample_server.base_url)
    job_id = new_id("job")
    with unit_of_work(session_factory()) as session:
        session.add(
            WriteJob(
                id=job_id,
                root_job_id=job_id,
                customer_id=customer.customer_id,
                integration_id=integration_id,
                vendor="SAMPLE1",
                operation="CREATE_RESIDENT_CHARGE",
                write_category="resident_charges",
                status="FAILURE",
                phase="NOT_SENT",
                parameters={"amount_in_cents": 700},
                native={},
                marker="n" * 16,
                errors=["refused by the PMS"],
                created_at=utcnow(),
            )
        )
    listed = runner.invoke(app, ["jobs", "list", "--status", "failure", "--integration", integration_id])
    assert listed.exit_code == 0, listed.output
    assert job_id in listed.output and "refused by the PMS" in listed.output
    shown = runner.invoke(app, ["jobs", "show", job_id])
    assert shown.exit_code == 0 and "FAILURE" in shown.output and "700" in shown.output
    assert runner.invoke(app, ["jobs", "list", "--status", "nope"]).exit_code == 2
    assert runner.invoke(app, ["jobs", "show", "job_missing"]).exit_code == 2
