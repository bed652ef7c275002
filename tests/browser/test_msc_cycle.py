"""A facilitator runs a whole three-level MSC cycle on the demo data in real Chromium,
from set-up to feedback: a new period, two site rounds (Leeds and Doncaster), the
Yorkshire and the Humber region round and the programme round, with members' ballots,
paper ballots, reasons, verification, and the storyteller reading the panels' reasons."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest
from sqlmodel import Session, select

from storybank.demo import DEMO_DOMAIN, DEMO_PASSWORD, load_demo
from storybank.models import Unit, User
from tests.browser.conftest import CHROMIUM

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="needs Chromium at /usr/bin/chromium (apt-get install chromium; CI installs it)",
    ),
]
PEOPLE = "Changes in people's lives"
SERVICES = "Changes in how services and organisations work"
CHAIRS = "Chair exercise in the tower block"
SENSOR = "Thirty-four, and nobody asleep"
BIKES = "Not lonely, bored"
BOUNCED = "Referred three times, bounced three times"
FORUM = "Swapping the monthly panel"
WAITING = "peer forum clears the waiting list"
STORYTELLER = f"joanne.firth@{DEMO_DOMAIN}"
STORYTELLER_PASSWORD = "tower-block-chairs-2026"


def _sign_in(page: Page, local: str, password: str = DEMO_PASSWORD) -> None:
    email = local if "@" in local else f"{local}@{DEMO_DOMAIN}"
    page.goto("/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"^(?!.*/login)"))


def _reasons(story: str, level: str) -> str:
    return (
        f"The {level} panel chose {story} because the change came from the people "
        "themselves and has lasted, which is what this domain asks about."
    )


def _start_round(page: Page, name: str, unit: str, method: str) -> int:
    """The facilitator's start form: both named domains in play; the new round's id."""
    from playwright.sync_api import expect

    page.goto("/msc/facilitate")
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Unit", exact=True).select_option(label=unit)
    page.get_by_label("Reporting period").select_option(label="2026-27")
    page.get_by_label(PEOPLE).check()
    page.get_by_label(SERVICES).check()
    page.get_by_label(method).check()
    page.get_by_role("button", name="Start the round").click()
    expect(page.get_by_role("heading", name=name, level=1)).to_be_visible()
    found = re.search(r"/msc/facilitate/rounds/(\d+)$", page.url)
    assert found, page.url
    return int(found.group(1))


def _add_member(page: Page, email: str) -> None:
    from playwright.sync_api import expect

    page.get_by_label("Add a person with an account: their email address").fill(email)
    page.get_by_role("button", name="Add to the panel").click()
    expect(page.get_by_role("status")).to_contain_text("The member has been added")


def _move(page: Page, button: str, outcome: str) -> None:
    from playwright.sync_api import expect

    page.get_by_role("button", name=button).click()
    expect(page.get_by_role("status").first).to_contain_text(outcome)


def _place(page: Page, domains: dict[str, str]) -> None:
    """Confirm each candidate's domain (by a distinctive part of its title)."""
    from playwright.sync_api import expect

    for title, domain in domains.items():
        box = page.get_by_label(re.compile(f"Domain of .*{re.escape(title)}"))
        box.select_option(label=domain)
        page.locator("form", has=box).get_by_role("button").click()
        expect(page.get_by_role("status")).to_contain_text("domain has been saved")


def _paper(page: Page, domain: str, story: str, count: int) -> None:
    """Enter `count` identical single-choice paper ballots for `story` in `domain`."""
    from playwright.sync_api import expect

    form = page.locator("form", has=page.get_by_role("group", name=domain, exact=True))
    form.get_by_label(re.compile(re.escape(story))).check()
    form.get_by_label("How many identical ballots").fill(str(count))
    form.get_by_role("button", name=f"Enter the ballots for {domain}").click()
    expect(page.get_by_role("status")).to_contain_text("paper ballots have been entered")


def _decide(page: Page, round_id: int, picks: dict[str, str], level: str) -> None:
    """Record each domain's selected story with full-sentence reasons, then close."""
    from playwright.sync_api import expect

    page.goto(f"/msc/facilitate/rounds/{round_id}/close")
    for domain, story in picks.items():
        section = page.get_by_role("region", name=domain, exact=True)
        chosen = section.get_by_label("Selected story")
        option = chosen.locator("option", has_text=story).first
        chosen.select_option(value=option.get_attribute("value"))
        section.get_by_label("Reasons").fill(_reasons(story, level))
        section.get_by_label("Criterion 1", exact=True).fill("Lasting change")
        section.get_by_label("Weight of criterion 1").select_option("5")
        section.get_by_role("button", name=f"Save the decision in {domain}").click()
        expect(page.get_by_role("status")).to_contain_text("has been saved")
    page.get_by_role("button", name="Close the round").click()
    expect(page.locator(".summary-list")).to_contain_text(re.compile(r"State\s*Closed"))


def _run_site_round(
    fran: Page,
    pat: Page,
    name: str,
    unit: str,
    stories: dict[str, str],
    wins: dict[str, str],
    drop: tuple[str, ...] = (),
) -> int:
    """A site round from set-up to closed: Pat votes online, the rest vote on paper; the
    stories in `drop` are taken out of the candidates before voting."""
    from playwright.sync_api import expect

    round_id = _start_round(fran, name, unit, "Rank every story")
    # The set-up changes until voting opens: this panel votes for one story each.
    fran.get_by_label("One story each (plurality)").check()
    fran.get_by_role("button", name="Save the set-up").click()
    expect(fran.get_by_role("status")).to_contain_text("set-up has been saved")
    _add_member(fran, f"panel@{DEMO_DOMAIN}")
    _move(fran, "Open the round for reading", "The round has moved on")
    for title in drop:
        fran.get_by_role("button", name=re.compile(f"Remove .*{re.escape(title)}")).click()
        expect(fran.get_by_role("status")).to_contain_text("no longer a candidate")
    _place(fran, stories)
    _move(fran, "Open voting", "The round has moved on")

    pat.goto(f"/msc/rounds/{round_id}/ballot")
    for domain, story in wins.items():
        pat.get_by_role("group", name=re.compile(re.escape(domain))).get_by_label(
            re.compile(re.escape(story))
        ).check()
    pat.get_by_role("button", name="Save your ballot").click()
    expect(pat.get_by_role("status")).to_contain_text("Your ballot is saved")

    fran.reload()
    expect(fran.locator("main")).to_contain_text("Pat Panel: has voted")
    for domain, story in wins.items():
        _paper(fran, domain, story, 2)
    _move(fran, "Close voting and start deciding", "The round has moved on")
    _decide(fran, round_id, wins, "site")
    return round_id


def test_a_facilitator_runs_a_three_level_cycle_in_the_browser(
    desktop_browser: Callable[[], Page], session: Session
) -> None:
    from playwright.sync_api import expect

    load_demo(session=session)
    storyteller = session.exec(select(User).where(User.email == STORYTELLER)).one()
    fran, pat, ada = desktop_browser(), desktop_browser(), desktop_browser()
    _sign_in(ada, "admin")
    _sign_in(fran, "facilitator")
    _sign_in(pat, "panel")

    # The admin adds the period, lets Fran facilitate in Yorkshire and the Humber, and
    # gives the storyteller a password so she can read her feedback.
    ada.goto("/admin/msc/periods")
    ada.get_by_label("Name").fill("2026-27")
    for legend, (day, month, year) in {
        "Opens on": ("1", "4", "2026"),
        "Closes on": ("31", "3", "2027"),
    }.items():
        group = ada.get_by_role("group", name=legend)
        group.get_by_label("Day").fill(day)
        group.get_by_label("Month").fill(month)
        group.get_by_label("Year").fill(year)
    ada.get_by_role("button", name="Add the period").click()
    expect(ada.get_by_role("status")).to_contain_text("The period has been added")

    fran_id = session.exec(select(User.id).where(User.email == f"facilitator@{DEMO_DOMAIN}")).one()
    yorkshire = session.exec(select(Unit.id).where(Unit.name == "Yorkshire and the Humber")).one()
    ada.goto(f"/admin/users/{fran_id}")
    ada.get_by_label("Role").select_option("facilitator")
    ada.get_by_label("Where").select_option(value=str(yorkshire))
    ada.get_by_role("button", name="Grant role").click()
    ada.goto(f"/admin/users/{storyteller.id}")
    ada.get_by_label("New password").fill(STORYTELLER_PASSWORD)
    ada.get_by_role("button", name="Set new password").click()

    leeds = _run_site_round(
        fran,
        pat,
        "Leeds 2026-27",
        "Leeds (site)",
        {CHAIRS: PEOPLE, BIKES: PEOPLE, SENSOR: SERVICES},
        {PEOPLE: CHAIRS, SERVICES: SENSOR},
        drop=(BOUNCED,),
    )
    doncaster = _run_site_round(
        fran,
        pat,
        "Doncaster 2026-27",
        "Doncaster (site)",
        {FORUM: SERVICES, WAITING: SERVICES},
        {SERVICES: WAITING},
    )
    fran.goto(f"/msc/facilitate/rounds/{leeds}")
    expect(fran.locator("main")).to_contain_text(
        "Feedback sent to the storytellers of 3 stories; read by 0 so far."
    )
    expect(fran.locator("main")).to_contain_text(f"{CHAIRS}")
    assert leeds != doncaster

    # The region round reads what the two site panels chose, each with its trail.
    region = _start_round(
        fran,
        "Yorkshire and the Humber 2026-27",
        "Yorkshire and the Humber (region)",
        "One story each (plurality)",
    )
    _add_member(fran, f"panel@{DEMO_DOMAIN}")
    _move(fran, "Open the round for reading", "The round has moved on")
    _place(fran, {CHAIRS: PEOPLE, SENSOR: SERVICES, WAITING: SERVICES})
    _move(fran, "Open voting", "The round has moved on")
    _paper(fran, PEOPLE, CHAIRS, 3)
    _paper(fran, SERVICES, WAITING, 2)
    _paper(fran, SERVICES, SENSOR, 1)
    _move(fran, "Close voting and start deciding", "The round has moved on")
    _decide(fran, region, {PEOPLE: CHAIRS, SERVICES: WAITING}, "region")
    fran.goto(f"/msc/facilitate/rounds/{leeds}")
    expect(fran.locator("main")).to_contain_text(
        re.compile(re.escape(CHAIRS) + r".*: read by Yorkshire and the Humber 2026-27\.")
    )
    fran.goto(f"/msc/facilitate/rounds/{region}")
    fran.get_by_role("link", name="Verification").click()
    check = fran.get_by_role("region", name=re.compile(re.escape(CHAIRS)))
    check.get_by_label("Verified").check()
    check.get_by_label("How it was checked").fill("Phoned the tower block's residents' group.")
    check.get_by_role("button", name=re.compile("Record the check")).click()
    expect(fran.get_by_role("status")).to_contain_text("The check has been recorded")
    expect(check.get_by_role("table")).to_contain_text("Fran Facilitator")

    # The programme round, run by the admin, reads the region's selections.
    programme = _start_round(
        ada, "Programme 2026-27", "Programme (programme)", "One story each (plurality)"
    )
    _add_member(ada, f"panel@{DEMO_DOMAIN}")
    _move(ada, "Open the round for reading", "The round has moved on")
    _place(ada, {CHAIRS: PEOPLE, WAITING: SERVICES})
    _move(ada, "Open voting", "The round has moved on")
    _paper(ada, PEOPLE, CHAIRS, 4)
    _paper(ada, SERVICES, WAITING, 4)
    _move(ada, "Close voting and start deciding", "The round has moved on")
    _decide(ada, programme, {PEOPLE: CHAIRS, SERVICES: WAITING}, "programme")

    # The storyteller sees which rounds her story reached, and why it was chosen.
    joanne = desktop_browser()
    _sign_in(joanne, STORYTELLER, STORYTELLER_PASSWORD)
    joanne.goto("/msc/my-stories")
    trail = joanne.locator("section.trail", has_text=CHAIRS)
    for name in ("Leeds 2026-27", "Yorkshire and the Humber 2026-27", "Programme 2026-27"):
        expect(trail).to_contain_text(name)
    expect(trail).to_contain_text(_reasons(CHAIRS, "programme"))
    trail.get_by_role("link", name=re.compile(re.escape(CHAIRS))).click()
    expect(joanne.locator("main")).to_contain_text("Programme 2026-27")
