"""MSC and personal data: a person's export holds their panels and their own ballots (never
a secret ballot's choice), and a site panel's reasons read above the site are in
de-identified words."""

from __future__ import annotations

import pytest

from tests.api.msc_tree import build_tree, confirm_all, decide, move, new_round, vote

# Each test starts from its own copy of the MSC unit tree (built once per run).
pytestmark = pytest.mark.msc_tree


def _to_deciding(client, tree, unit, facilitator, **options) -> int:  # type: ignore[no-untyped-def]
    rid = new_round(client, tree, unit, facilitator, members=("m1", "m2"), **options)["id"]
    h = tree.headers[facilitator]
    assert move(client, h, rid, "reading").status_code == 200
    confirm_all(client, h, rid, tree.domain_id)
    assert move(client, h, rid, "voting").status_code == 200
    return rid  # type: ignore[no-any-return]


def test_the_export_lists_panels_and_own_ballots_but_no_secret_choice(client, session):
    tree = build_tree(session, client)
    a1, b1 = tree.stories["a1"].id, tree.stories["b1"].id
    open_round = _to_deciding(client, tree, tree.ashby, "fac_ashby")
    secret_round = _to_deciding(client, tree, tree.brook, "fac_brook", secret=True)
    assert vote(client, tree, open_round, "m1", choice=a1).status_code == 200
    assert vote(client, tree, secret_round, "m1", choice=b1).status_code == 200
    exported = client.get(
        f"/api/v1/privacy/users/{tree.users['m1'].id}", headers=tree.headers["admin"]
    )
    assert exported.status_code == 200
    panels = {p["round_id"]: p for p in exported.json()["msc_panels"]}
    assert panels[open_round]["secret_ballot"] is False
    (own,) = panels[open_round]["ballots"]
    assert own["content"] == {"choice": a1} and own["domain_id"] == tree.domain_id
    (hidden,) = panels[secret_round]["ballots"]
    assert hidden == {
        "domain_id": tree.domain_id,
        "pass_number": 1,
        "choice": "not shown: a secret ballot",
    }
    assert f'"choice":{b1}' not in exported.text and f'"choice":{a1}' in exported.text


def test_site_reasons_read_in_the_region_round_are_in_deidentified_words(client, session):
    tree = build_tree(session, client)
    a1 = tree.stories["a1"].id
    rid = _to_deciding(client, tree, tree.ashby, "fac_ashby")
    h = tree.headers["fac_ashby"]
    for member in ("m1", "m2"):
        assert vote(client, tree, rid, member, choice=a1).status_code == 200
    assert move(client, h, rid, "deciding").status_code == 200
    reasons = (
        "The panel chose Agnes's story because Agnes went back to the choir herself and the "
        "change has lasted for months."
    )
    assert decide(client, h, rid, tree.domain_id, a1, reasons=reasons).status_code == 200
    assert move(client, h, rid, "closed").status_code == 200
    region = new_round(client, tree, tree.north, "fac_north", members=("m1",))["id"]
    assert move(client, tree.headers["fac_north"], region, "reading").status_code == 200
    pack = client.get(f"/api/v1/msc/rounds/{region}/candidates", headers=tree.headers["m1"])
    (entry,) = pack.json()
    (step,) = entry["trail"]
    assert step["reasons"] == (
        "The panel chose [Person]'s story because [Person] went back to the choir herself and "
        "the change has lasted for months."
    )
    assert "Agnes" not in pack.text
    site_pack = client.get(f"/api/v1/msc/rounds/{rid}/candidates", headers=h)
    assert "Agnes" in site_pack.text  # inside the site, the original stays
