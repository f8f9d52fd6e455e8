"""How many written forms of valid personal numbers `core.pii.mask` hides, and how many
ordinary texts (amounts, dates, phone and customer numbers) it leaves alone.

For each kind (tests/core/pii_forms.py: Norwegian fødselsnummer and D-number, Swedish
personnummer and samordningsnummer, Finnish henkilötunnus, cards of every network, Norwegian
account numbers, IBANs), makes valid numbers from a fixed seed, writes each in every form
(grouping x separator, each also with zero-width characters, full-width digits, lower case)
plus random mixed forms, puts each form in every sentence (nb, en, fi, sv) and counts the
texts whose number is masked exactly (only the last two characters of cards, accounts and
IBANs left). Then counts ordinary texts that come back unchanged.

    .venv/bin/python -m benchmarks.pii_forms [--numbers 20] [--ordinary 20000] [--seed 12]
"""

from __future__ import annotations

import argparse
import random

from core.pii import mask
from tests.core.pii_forms import (
    KINDS,
    every_form,
    ordinary_text,
    redacted,
    sentences,
    valid_number,
    written,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--numbers", type=int, default=20, help="valid numbers per kind")
    parser.add_argument("--ordinary", type=int, default=20000, help="ordinary texts")
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    total = total_masked = 0
    print(f"{'kind':<26}{'numbers':>8}{'forms':>8}{'texts':>9}{'masked':>9}")
    for kind in KINDS:
        forms = texts = masked = 0
        survivors: list[str] = []
        for _ in range(args.numbers):
            number = valid_number(rng, kind)
            written_forms = [*every_form(number), *(written(rng, number) for _ in range(20))]
            forms += len(written_forms)
            for form in written_forms:
                expected = {redacted(form, number.keep), redacted(form, 0)}
                for _language, before, after in sentences():
                    texts += 1
                    result = mask(before + form + after)
                    if result[len(before) : len(result) - len(after) or None] in expected:
                        masked += 1
                    else:
                        survivors.append(before + form + after)
        total, total_masked = total + texts, total_masked + masked
        print(f"{kind:<26}{args.numbers:>8}{forms:>8}{texts:>9}{masked:>9}")
        for text in survivors[:3]:
            print(f"    not masked: {text!r}")
    print(f"{'all':<26}{'':>8}{'':>8}{total:>9}{total_masked:>9}")
    unchanged = sum(
        1 for text in (ordinary_text(rng) for _ in range(args.ordinary)) if mask(text) == text
    )
    print(f"ordinary texts left unchanged: {unchanged} of {args.ordinary}")


if __name__ == "__main__":
    main()
