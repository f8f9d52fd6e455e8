"""The topics customers ask most, through the whole stack in nb and en: fees, what power costs
now, a payment gone wrong, strømstøtte and Norgespris, a death in the family, a new customer,
us or the grid company. Phrased unlike data/nlu/; the stack's clock is Wednesday 25 November
2026 at 10:00 in Oslo, so the spot price is that quarter hour's in content/spot_prices.yml, and
tomorrow's prices are out."""

from __future__ import annotations

import pytest

from tests.helpers import (
    GRID_COMPANY,
    GRID_PHONE,
    RunningStack,
    answer,
    answer_asking,
    post,
    texts,
)

pytestmark = pytest.mark.stack

ASKED = [
    ("nb", "hva koster det meg å få regningen i postkassen", "utter_fees"),
    ("en", "how much extra is a bill on paper", "utter_fees"),
    ("nb", "purringen kom selv om avtalegiro skulle betale", "payment_trouble"),
    ("en", "will you switch off my power if the bill stays unpaid", "payment_trouble"),
    ("nb", "hvordan skaffer jeg meg norgespris", "utter_power_support"),
    ("en", "explain the electricity support from the government", "utter_power_support"),
    ("nb", "min mor døde forrige uke, hva skjer med strømavtalen hennes", "utter_bereavement"),
    ("en", "my dad passed away, what do we do about his electricity", "utter_bereavement"),
    ("nb", "jeg vil gjerne bli strømkunde hos dere", "utter_sign_up"),
    ("en", "i'd like to become a new customer of yours", "utter_sign_up"),
    ("nb", "hvem har ansvar for måleren, dere eller nettselskapet", "utter_grid_or_supplier"),
    ("en", "why are there two separate bills for my electricity", "utter_grid_or_supplier"),
]


@pytest.mark.parametrize(("language", "text", "expected"), ASKED)
async def test_a_new_topic_gets_its_own_answer(
    stack: RunningStack, language: str, text: str, expected: str
) -> None:
    name = "utter_payment_trouble" if expected == "payment_trouble" else expected
    body = await post(stack, f"topic-{language}-{abs(hash(text))}", text)
    assert body["language"] == language
    # A topic's answer asks "did that help?" below it; a death in the family is not asked.
    asks = name not in ("utter_payment_trouble", "utter_bereavement")
    assert texts(body) == [answer_asking(name, language) if asks else answer(name, language)]


async def test_what_power_costs_in_a_place_the_customer_names_is_that_area_s_price(
    stack: RunningStack,
) -> None:
    body = await post(stack, "spot-nb", "hva koster strømmen i Bergen akkurat nå")
    [price] = texts(body)
    for part in [
        "I prisområde NO5 er den 84,9 øre for hver kWh",
        "Det gjelder fra kl. 10.00 til 10.15.",
        "I snitt i dag: 85,4 øre. I snitt i morgen: 91,4 øre.",
        "Påslaget vårt på 4,9 øre og moms kommer på toppen.",
    ]:
        assert part in price, price


async def test_what_power_costs_asks_the_area_once_then_remembers_it(
    stack: RunningStack,
) -> None:
    asked = await post(stack, "spot-en", "what does a kwh of power cost right this minute")
    assert texts(asked) == [answer("utter_ask_price_area", "en")]
    [price] = texts(await post(stack, "spot-en", "9008"))
    for part in [
        "In price area NO4 it is 15 øre per kWh",
        "That is from 10:00 to 10:15.",
        "Average today: 15.1 øre. Average tomorrow: 21.1 øre.",
        "Our markup of 4.9 øre and VAT, a tax, come on top.",
    ]:
        assert part in price, price
    [again] = texts(await post(stack, "spot-en", "and what is the spot price at the moment?"))
    assert "In price area NO4 it is 15 øre per kWh" in again


async def test_a_reply_naming_no_place_gets_every_area_s_price_not_a_second_question(
    stack: RunningStack,
) -> None:
    await post(stack, "spot-nb-all", "hva er prisen på strøm akkurat nå")
    [price] = texts(await post(stack, "spot-nb-all", "det vet jeg ikke"))
    for part in ["Fra kl. 10.00 til 10.15", "Øst (NO1): 94,5 øre", "Vest (NO5): 84,9 øre"]:
        assert part in price, price


async def test_a_death_in_the_family_is_met_gently_and_never_with_cheer(
    stack: RunningStack,
) -> None:
    body = await post(stack, "grief-nb", "jeg skal overta strømmen etter min far som døde")
    [said] = texts(body)
    assert said.startswith("Jeg er lei for tapet ditt.")
    assert "Så fint" not in said
    assert [b["payload"] for b in body["messages"][0]["buttons"]] == [
        "/request_human",
        "/request_callback",
    ]


async def test_a_payment_gone_wrong_says_who_may_cut_the_power(stack: RunningStack) -> None:
    body = await post(stack, "cutoff-nb", "kommer dere til å stenge strømmen hos meg nå")
    [said] = texts(body)
    assert f"Bare {GRID_COMPANY} kan, etter skriftlig varsel." in said
    assert "35 kr" in said


async def test_us_or_the_grid_company_gives_the_grid_company_s_number(stack: RunningStack) -> None:
    body = await post(stack, "grid-en", "is the grid company or you the one who owns my meter")
    [said] = texts(body)
    assert f"Call {GRID_COMPANY} on {GRID_PHONE}, day and night." in said
