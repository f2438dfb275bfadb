import pytest
from sqlalchemy import func, select

from mbp_registry.registry import models
from tests.helpers import load_demo

EXPECTED_COUNTS = """\
Records               Count
--------------------  -------
organisations         5
programmes            2
people                40
stages                109
training records      43
supervision links     55
supervision sessions  1951
CPD activities        642
retreats              112
courses               163
nominations           8
assessments           64
course outcomes       106"""


@pytest.fixture(autouse=True)
def _in_tmp_path(tmp_path, monkeypatch):
    """The demo writes its annual report in the current directory when the database is not a file."""
    monkeypatch.chdir(tmp_path)


def test_demo_loads_the_sample_service_and_summarises_it(run, db_url):
    result = run("demo")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("The sample service is loaded into ")
    assert EXPECTED_COUNTS in result.output


def test_demo_loads_every_row_of_the_fixture_bundle(run, engine):
    from tests.conftest import FIXTURES

    assert run("demo").exit_code == 0
    sessions_in_file = len((FIXTURES / "demo" / "sessions.csv").read_text().splitlines()) - 1
    with engine.connect() as c:
        assert c.execute(select(func.count()).select_from(models.SupervisionSession)).scalar() == sessions_in_file


def test_demo_can_be_run_again_on_its_own_data(run, engine):
    load_demo(run, engine)
    again = run("demo")
    assert again.exit_code == 0, again.output
    assert EXPECTED_COUNTS in again.output


def test_demo_refuses_politely_when_the_database_holds_other_data(run, engine):
    from sqlalchemy import insert

    with engine.begin() as c:
        c.execute(insert(models.Organisation).values(code="MINE", name="Mine", region="West"))
    result = run("demo")
    assert result.exit_code == 1
    assert result.output.strip() == (
        "Error: this database already holds other data; the demo loads only into an empty one "
        "(use --db with a new file, e.g. --db demo.db)"
    )
    with engine.connect() as c:
        assert c.execute(select(func.count()).select_from(models.Person)).scalar() == 0
