"""How long `core.pii.mask` takes per customer message (it runs on every message and log line).

Masks a fixed set of chat messages (nb, en, fi, sv; most with no personal data, some with
amounts, dates, phone and customer numbers, some with ID, card and account numbers in the
forms customers write them) over and over, timing each call, and prints the median and the
95th percentile in microseconds:

    .venv/bin/python -m benchmarks.pii_masking [--rounds 2000]
"""

from __future__ import annotations

import argparse
import statistics
import time

from core.pii import mask

NBSP, ZWSP = "\u00a0", "\u200b"

MESSAGES = [
    "hei",
    "når åpner dere i morgen?",
    "Hei! Jeg har ikke fått regningen for november, kan dere sende den på nytt?",
    "hvorfor er nettleien så høy denne måneden? Beløp: 1 234,50 kr",
    "Strømmen er borte i 0552 Oslo siden kl. 14.30",
    "Kundenummeret mitt er 12345678, ring meg på +47 912 34 567",
    "Jeg flytter 01.12.2026 til Storgata 12, 0150 Oslo.",
    "how do I set up e-invoice?",
    "My internet has been very slow since 2026-11-24, customer number 87654321.",
    "Can someone call me back on 040 123 4567 after 16:00?",
    "Hei, sähkö on poikki osoitteessa Mannerheimintie 5, 00100 Helsinki.",
    "Laskuni on 89,90 € liian suuri, asiakasnumero 23456789.",
    "Hej, jag har inte fått någon faktura, ring 070-123 45 67.",
    "Jag bor på Drottninggatan 3, 123 45 Stockholm.",
    "takk for hjelpen!",
    "Fødselsnummeret mitt er 01019010046 og kontonummeret 8601.11.17947",
    f"fnr 010190{NBSP}10046, kort 4111 1111 1111 1111",
    f"id 0101{ZWSP}9010046",
    "Henkilötunnukseni on 131052-308T ja tilini FI21 1234 5600 0007 85.",
    "Mitt personnummer är 19811228-9874.",
    "IBAN: NO93 8601 1117 947, takk",
    "ok",
    (
        "Hei. Jeg skrev til dere i forrige uke om måleren, men har ikke hørt noe. Målerstanden "
        "var 012345 kWh den 01.11.2026 og 012987 kWh i dag, og regningen på 2 345,60 kr stemmer "
        "ikke med det. Kundenummeret er 12345678 og dere kan ringe meg på 912 34 567 mellom "
        "08:00 og 16:00. Jeg har betalt alle regningene mine i tide, og jeg vil gjerne ha en "
        "forklaring før forfall 20.12.2026. På forhånd takk, Kari Nordmann, Storgata 1, 0150 Oslo."
    ),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2000)
    rounds = parser.parse_args().rounds
    for message in MESSAGES:  # warm up: compiled patterns, caches
        mask(message)
    timings = []
    clock = time.perf_counter_ns
    for _ in range(rounds):
        for message in MESSAGES:
            start = clock()
            mask(message)
            timings.append(clock() - start)
    timings.sort()
    median = statistics.median(timings) / 1000
    p95 = timings[int(len(timings) * 0.95)] / 1000
    chars = statistics.mean(len(m) for m in MESSAGES)
    print(
        f"mask(): median {median:.1f} µs, p95 {p95:.1f} µs per message "
        f"({len(MESSAGES)} messages, mean {chars:.0f} characters, {len(timings)} calls)"
    )


if __name__ == "__main__":
    main()
