"""Generate realistic scraped-news documents at any size, for the benchmarks (not the tests).

    python bench/generate.py 100000 > /tmp/news.jsonl

Each document is one JSONL record (id, url, text) the way a scraper leaves it: the headline on
top and again below one or two photo captions with a wire credit, body paragraphs built from a
varied vocabulary (so unrelated articles share no long runs of words), ad and share junk,
the outlet's footer on most of its pages, mojibake in one document in ten, a doubled paragraph in
one in twelve, and syndicated near-copies of earlier stories under other outlets (one in twenty).
Output depends only on the size and the seed.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Iterator

# A news vocabulary for the benchmarks that build their own paragraphs.
WORDS = [
    "council",
    "harbour",
    "ferry",
    "budget",
    "school",
    "teachers",
    "flood",
    "river",
    "bridge",
    "mayor",
    "minister",
    "police",
    "court",
    "trial",
    "election",
    "voters",
    "market",
    "shares",
    "prices",
    "inflation",
    "energy",
    "wind",
    "solar",
    "grid",
    "hospital",
    "doctors",
    "nurses",
    "patients",
    "storm",
    "rain",
    "drought",
    "farmers",
    "harvest",
    "wheat",
    "exports",
    "port",
    "workers",
    "strike",
    "union",
    "wages",
    "rent",
    "housing",
    "tenants",
    "landlord",
    "planning",
    "permit",
    "road",
    "rail",
    "station",
    "airport",
    "flights",
    "tourism",
    "museum",
    "festival",
    "music",
    "theatre",
    "football",
    "match",
    "goal",
    "season",
    "coach",
    "players",
    "league",
    "title",
    "science",
    "study",
    "researchers",
    "data",
    "climate",
    "ice",
    "glacier",
    "ocean",
    "species",
    "forest",
    "fire",
    "crews",
    "evacuation",
    "residents",
    "village",
    "town",
    "city",
    "county",
]

OUTLETS = [f"outlet{i:02d}.example" for i in range(40)]
CREDITS = ["REUTERS/{name}", "(AP Photo/{name})", "{name}/AFP via Getty Images", "Photo: {name}/Bloomberg"]
FIRST = ["Ana", "Kai", "Leila", "Tomas", "Yuki", "Owen", "Ines", "Marta", "Jonas", "Ravi", "Sofia", "Emeka"]
LAST = ["Pereira", "Lind", "Nakamura", "Brenner", "Rossi", "Price", "Vogt", "Okafor", "Haddad", "Kowalski"]
PLACES = ["Geneva", "Nairobi", "Manila", "Cairo", "Lyon", "Adana", "Tucson", "Oslo", "Quito", "Hanoi"]
SUBJECTS = [
    "The council",
    "Officials",
    "The ministry",
    "Union leaders",
    "Researchers",
    "The company",
    "Local residents",
    "The court",
    "Police",
    "The central bank",
    "Farmers",
    "Teachers",
]
VERBS = ["said", "warned", "announced", "denied", "confirmed", "argued", "estimated", "reported"]
NOUNS = [
    "budget",
    "inflation",
    "harbour",
    "ferry",
    "election",
    "vaccine",
    "drought",
    "bridge",
    "tariff",
    "pension",
    "reservoir",
    "railway",
    "wildfire",
    "strike",
    "glacier",
    "stadium",
    "subsidy",
    "permit",
    "refinery",
    "curfew",
    "merger",
    "audit",
    "treaty",
    "shortage",
    "verdict",
    "tunnel",
    "quota",
    "levy",
]
ADJ = ["new", "delayed", "disputed", "regional", "emergency", "annual", "temporary", "revised", "costly"]
JUNK_END = [
    ["Share this article", "Facebook", "Twitter", "Email"],
    ["font change", "Print", "font size"],
    ["Sign up for our morning newsletter", "Subscribe"],
    ["Comments", "Leave a comment"],
]


def sentence(rng: random.Random) -> str:
    return (
        f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} the {rng.choice(ADJ)} {rng.choice(NOUNS)} would "
        f"affect {rng.randint(2, 9000):,} {rng.choice(NOUNS)}s in {rng.choice(PLACES)} by "
        f"{rng.choice(['March', 'June', 'October'])}, after the {rng.choice(NOUNS)} {rng.choice(NOUNS)} "
        f"talks."
    )


def mojibake(text: str) -> str:
    return text.replace("’", "â€™").replace("—", "â€”").replace("é", "Ã©")


def documents(n: int, seed: int = 0) -> Iterator[dict[str, str]]:
    rng = random.Random(seed)
    bodies: list[tuple[str, list[str]]] = []
    for i in range(n):
        outlet = rng.choice(OUTLETS)
        if bodies and rng.random() < 0.05:
            headline, body = rng.choice(bodies[-500:])
            body = list(body)
            body[-1] = body[-1] + " The report was updated later."
        else:
            headline = f"{rng.choice(ADJ).capitalize()} {rng.choice(NOUNS)} plan divides {rng.choice(PLACES)}"
            body = [
                " ".join(sentence(rng) for _ in range(rng.randint(2, 4))) for _ in range(rng.randint(5, 14))
            ]
            body[1] = body[1].replace(" said ", " said — in a café’s back room — ", 1)
            bodies.append((headline, body))
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        caption = f"People gather in {rng.choice(PLACES)} on May {rng.randint(1, 28)}, 2024. " + rng.choice(
            CREDITS
        ).format(name=name)
        lines = [headline, "", caption] + ([caption] if rng.random() < 0.5 else []) + ["", headline, ""]
        for k, para in enumerate(body):
            lines += [para, ""]
            if k == 2:
                lines += ["Advertisement", ""]
            if k == 4 and rng.random() < 0.08:
                lines += [para, ""]
        lines += rng.choice(JUNK_END)
        if rng.random() < 0.8:
            lines += [f"{outlet} is an independent newsroom. Tips: desk@{outlet}"]
        text = "\n".join(lines)
        if rng.random() < 0.1:
            text = mojibake(text)
        yield {"id": f"doc-{i:07d}", "url": f"https://{outlet}/news/{i}", "text": text}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("documents", type=int)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    out = sys.stdout
    for doc in documents(args.documents, args.seed):
        out.write(json.dumps(doc, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
