"""The same content serves a supplier, a grid company and a company that is both: every answer
renders for each, says what that company does, and never what another kind of company does."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from core.company import CompanyProfile
from core.content.answers import AnswerBook
from core.content.facts import company_facts
from core.content.locale import Locale

ROOT = Path(__file__).resolve().parents[3]
ANSWERS = AnswerBook.load(ROOT / "content/answers")
LOCALES = Locale.load_all(ROOT / "content/locale.yml")
# The values the bot passes with an answer (docs/answers.md), as a customer might read them.
LISTED = {
    match.group(1): set(re.findall(r"\{(\w+)\}", match.group(2)))
    for match in re.finditer(
        r"^\|[^|]*\|\s*(utter_\w+)\s*\|([^|]*)\|",
        (ROOT / "docs/answers.md").read_text(encoding="utf-8"),
        re.M,
    )
}

ON_CALL = "+47 21 00 00 99"
# For a supplier, the grid company is another company; for grid and both, the company itself,
# so its name and number written here must never be said.
OTHER_GRID = {"name": "Linjenett", "outage_map": "https://kart.example", "phone": "+47 22 22 22 22"}
OWN_GRID = {"name": "Annet Nett", "outage_map": "https://kart.example", "phone": "+47 23 23 23 23"}

OUTAGE = ("utter_outage_found", "utter_outage_found_no_end", "utter_outage_none")
# Phrases that belong to one kind of company only: said by another, they are wrong.
WRONG = {
    "supplier": [ON_CALL, "vakta vår", "our on-call team", "Vi eier", "We own", "Vi retter"],
    "grid": [
        "påslaget vårt",
        "our markup",
        "to strømavtaler",
        "two power plans",
        "Annet Nett",
        "23 23 23 23",
    ],
    "both": ["selger ikke strøm", "don't sell power", "Annet Nett", "23 23 23 23"],
}
# What each kind of company must say, by answer: (nb, en) phrases.
SAYS: dict[str, dict[str, tuple[str, str]]] = {
    "supplier": {
        **{name: ("Linjenett på +47 22 22 22 22", "Linjenett on +47 22 22 22 22") for name in OUTAGE},
        "utter_outage_danger": ("Linjenett", "Linjenett"),
        "utter_meter_reading": ("Tallene går til Linjenett", "The numbers go to Linjenett"),
        "utter_invoice_part_grid_rent": ("egen regning fra Linjenett", "separate bill from Linjenett"),
        "utter_contact_info": ("+47 22 22 22 22", "+47 22 22 22 22"),
        "utter_price_plans": ("påslaget vårt på 4,9 øre", "markup of 4.9 øre"),
        "utter_payment_plan": ("Vi stenger ikke strømmen", "We don't cut off your power"),
        "utter_grid_or_supplier": ("Ring Linjenett på +47 22 22 22 22", "Call Linjenett on +47 22 22 22 22"),
        "utter_power_support": ("Bestill hos Linjenett", "Order it from Linjenett"),
    },
    "grid": {
        **{name: (f"vakta vår på {ON_CALL}", f"on-call team on {ON_CALL}") for name in OUTAGE},
        "utter_meter_reading": ("strømselskapet ditt gjennom Elhub", "power company through Elhub"),
        "utter_invoice_explain": ("Regningen fra oss er nettleie", "Our bill is grid rent"),
        "utter_price_plans": ("selger ikke strøm", "don't sell power"),
        "utter_cancel_contract": ("Nettleien kan du ikke si opp", "You can't end your grid rent"),
        "utter_moving": ("Meld fra til strømselskapet ditt", "Tell your power company"),
        "utter_sign_up": ("Du trenger ikke bli kunde hos oss", "You don't need to sign up with us"),
        "utter_grid_or_supplier": ("to regninger", "two bills"),
    },
    "both": {
        **{name: (f"vakta vår på {ON_CALL}", f"on-call team on {ON_CALL}") for name in OUTAGE},
        "utter_invoice_explain": ("nettleie, som betaler for strømnettet vi eier", "grid rent, which pays for the power lines we own"),
        "utter_invoice_part_grid_rent": ("samme regning som strømmen", "same bill as your power"),
        "utter_price_plans": ("påslaget vårt på 4,9 øre", "markup of 4.9 øre"),
        "utter_moving": ("både strømavtalen og nettleien", "both your plan and your grid rent"),
        "utter_grid_or_supplier": ("én regning for begge", "one bill for both"),
    },
}  # fmt: skip


def profile(tmp_path: Path, role: str) -> CompanyProfile:
    raw: dict[str, Any] = yaml.safe_load((ROOT / "content/company.yml").read_text("utf-8"))
    raw["company"]["role"] = role
    raw["grid_company"] = OTHER_GRID if role == "supplier" else OWN_GRID
    path = tmp_path / "content" / "company.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return CompanyProfile.load(path, ROOT)


def rendered(company: CompanyProfile) -> dict[tuple[str, str], str]:
    """Every answer in every language, with the bot's values as samples."""
    texts = {}
    for answer in ANSWERS:
        for language in company.languages:
            facts = company_facts(company, LOCALES[language])
            samples = {name: f"<{name}>" for name in LISTED.get(answer.name, set())}
            texts[answer.name, language] = ANSWERS.render(
                answer.name, language, {**facts, **samples}, language
            ).text
    return texts


@pytest.mark.parametrize("role", ["supplier", "grid", "both"])
def test_every_answer_renders_for_the_role_without_a_wrong_role_sentence(
    tmp_path: Path, role: str
) -> None:
    texts = rendered(profile(tmp_path, role))
    wrong = [
        f"{name} [{language}] says {phrase!r}: {text}"
        for (name, language), text in texts.items()
        for phrase in WRONG[role]
        if phrase in text
    ]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("role", ["supplier", "grid", "both"])
def test_each_role_says_who_does_what(tmp_path: Path, role: str) -> None:
    texts = rendered(profile(tmp_path, role))
    missing = [
        f"{name} [{language}] lacks {phrase!r}: {texts[name, language]}"
        for name, phrases in SAYS[role].items()
        for language, phrase in zip(("nb", "en"), phrases, strict=True)
        if phrase not in texts[name, language]
    ]
    assert not missing, "\n".join(missing)


def test_a_role_outside_the_three_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="role"):
        profile(tmp_path, "reseller")
