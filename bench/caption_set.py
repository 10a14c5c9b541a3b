"""A caption benchmark built from invented text: credit formats the rules' examples do not hold,
and prose that names what credits name. Issue 12's measure of the credit grammar.

    python bench/caption_set.py build /tmp/capset            # input.jsonl + gold.jsonl
    cleaner run /tmp/capset/input.jsonl /tmp/capset/out.jsonl -q
    python bench/caption_set.py score /tmp/capset            # recall, prose kept, body kept

Every credit format is used in several documents (different names, descriptions, positions:
right under the headline, mid-body, near the end; some printed twice as scrapers do). Every prose
sentence is placed in several documents too, once printed twice near the top (the caption.repeated
trap). The outlets, people and places are invented; the formats are those of real picture desks.
"""

from __future__ import annotations

import json
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

# {n}: a person's name, {N}: the same in capitals. None of these is a remove example in rules/.
FORMATS = [
    "REUTERS/{n}/Pool",
    "(AP Photo/{n}, Pool)",
    "{n}/AFP",
    "{n}/Getty Images for Harbour Fest",
    "Photograph: {n}/AP",
    "Photograph: {n}/Shutterstock",
    "Photograph: Harbour Council/PA",
    "Image credit: {n}",
    "Image: {n}/Getty Images",
    "Pic: {n}",
    "Picture: PA",
    "Source: Getty Images",
    "Credit: {n}/Reuters",
    "(Credit: {n}/Harbour Post)",
    "[Image: {n}]",
    "(Image: Shutterstock)",
    "{n} / Getty Images",
    "{n} | Getty Images",
    "{n}/iStock",
    "{n} via Getty Images",
    "Photo by {n} on Unsplash",
    "Foto: {n}",
    "Fotos: {n}/Harbour Post",
    "Foto: dpa",
    "Foto: picture alliance/dpa/{n}",
    "Bildquelle: imago images/{n}",
    "Bild: {n}/Keystone",
    "Foto: EFE/{n}",
    "Foto de {n}",
    "Imagen: Europa Press",
    "Fotografía: {n}",
    "Crédito: {n}",
    "Photo : {n} / AFP",
    "Crédits photo : {n}",
    "Foto: ANSA/{n}",
    "Foto di {n}",
    "Fot. {n}/Agencja Gazeta",
    "Fot. Shutterstock",
    "Zdjęcie: PAP/{n}",
    "Foto: ANP/{n}",
    "Beeld: {n}",
    "Photo: {n}/Sipa USA",
    "{N}/EPA",
    "EFE/{n}",
    "Xinhua/{n} via Getty Images",
    "(Photo: {n} for Harbour Post)",
    "({n}/Saltmarsh Gazette)",
    "Photo: {n} for The Wall Street Journal",
    "{n} for The Washington Post",
    "Courtesy of {n}",
    "Photo courtesy {n}",
    "Illustration: {n}",
    "Photograph by {n}",
    "Photography by {n}",
    "Photo via Instagram/@harbourpost",
    "Harbour Police/Handout via REUTERS",
]

# Sentences that must stay in the text wherever they stand (also printed twice near the top).
PROSE = [
    "A Reuters/Ipsos poll found 38% backing for the harbour plan, up from 31% in June.",
    "Shares of the photo agency rose 4% after it won the contract.",
    "He told the Associated Press that the ferry would not run on Sunday.",
    "Courtesy of the council, parking is free on Sundays.",
    "Photographer Ana Ruiz, 34, said she had waited six hours for the light.",
    "Getty Images declined to comment on the lawsuit.",
    "The agency, AFP, said its office in the port had been closed.",
    "Bloomberg first reported the talks on Wednesday, citing two people close to the deal.",
    "The photo: a fisherman mending nets, taken in 1958.",
    "Picture this: a promenade with no cars at all.",
    "Xinhua gave no figures for the number of workers on the site.",
    "Credit Suisse shares fell 2% in early trading in Zurich.",
    "According to figures compiled by Bloomberg, the fund lost 9% last year.",
    "The council's decision was first reported by The Harbour Times.",
    "The pictures were distributed by Shutterstock and Alamy.",
    "She works as a photographer for the Saltmarsh Gazette.",
    "In an interview with Reuters, the mayor said the pier would reopen in May.",
    "Image rights are a growing business, the agency's chief executive said.",
    "Source: the port authority's annual report, published in March.",
    "The band's new album is called Courtesy of the Tide.",
    "dpa und AFP meldeten übereinstimmend zwei Verletzte.",
    "Das Foto zeigt den Hafenmeister bei der Eröffnung.",
    "Según la agencia EFE, el fuego empezó de madrugada.",
    "Jak podała PAP, prace potrwają do wiosny.",
    "Le photographe de l'AFP a été blessé à la main.",
    "The PA news agency understands the report will be published on Monday.",
    "Reuters was the first to report the merger.",
    "An AP photographer was injured, the agency said (AP).",
    "Sales rose in both halves (January/June).",
    "The vote passed 6-3 (councillors Ford and Quist against).",
    "Support stood at 41%, according to a poll by Reuters/Ipsos.",
    "Photo agencies such as Getty Images and Alamy sell licences by the picture.",
]

NAMES = [
    "Ines Ford",
    "Tom Ashby",
    "Mara Quist",
    "Owen Price",
    "Lena Vogt",
    "Sam Okoye",
    "Nora Field",
    "Erin Moss",
    "Pablo Ortiz",
    "Kasia Nowak",
    "Jan de Wit",
    "Ada Lind",
    "Piotr Zieliński",
    "Hugo Blanc",
]
SCENES = [
    "Fishing boats return to the harbour at dawn on Tuesday, March 4, 2025.",
    "Volunteers fill sandbags outside the town hall in Saltmarsh on Friday.",
    "Commuters wait on the platform as the first new train arrives.",
    "Children watch the lantern parade along the promenade.",
    "A crane lifts the last section of the footbridge into place.",
    "Stallholders set up before the night market opens in the old square.",
    "Firefighters hose down the roof of the grain store on Sunday.",
    "The mayor speaks to reporters outside the harbour office.",
]
# Body paragraphs are put together from parts, so that no two documents share one (shared
# paragraphs would be site boilerplate, shared bodies syndicated copies).
SUBJECTS = [
    "The harbour board",
    "The ferry company",
    "A spokesperson for the port",
    "The council's planning team",
    "Traders in the old market",
    "The regional transport office",
    "Engineers working on the pier",
    "The fishermen's cooperative",
    "The museum's director",
    "Local residents",
]
VERBS = [
    "said on {day} that",
    "told a public meeting on {day} that",
    "wrote in a letter on {day} that",
    "confirmed on {day} that",
    "warned on {day} that",
]
CLAIMS = [
    "dredging the main channel would cost {k} thousand more than planned",
    "the new breakwater would take {k} months to finish",
    "{k} stalls had asked to stay open later in the summer",
    "two extra evening crossings would start in {month}",
    "cracks had been found in {k} of the supporting columns",
    "the figures for {month} would be published in the autumn",
    "footfall in the square had risen by {k} percent since it was closed to cars",
    "the final budget would be put to a vote in {month}",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
MONTHS = ["March", "April", "May", "June", "July", "September", "October"]


def paragraph(rng: random.Random) -> str:
    verb = rng.choice(VERBS).format(day=rng.choice(DAYS))
    claim = rng.choice(CLAIMS).format(k=rng.randint(3, 900), month=rng.choice(MONTHS))
    more = rng.choice(CLAIMS).format(k=rng.randint(3, 900), month=rng.choice(MONTHS))
    return f"{rng.choice(SUBJECTS)} {verb} {claim}, and that {more}."


HEADLINES = [
    "Harbour board approves dredging plan",
    "Night market returns to the old square",
    "Ferry company adds evening crossings",
    "Pier to reopen after repairs",
    "Town hall flood defences tested",
]
SITES = ["harbourpost.example", "saltmarsh-gazette.example", "coastweekly.example"]


def credit(fmt: str, name: str) -> str:
    return fmt.format(n=name, N=name.upper())


def build(out: Path, seed: int = 12) -> None:
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    inputs, golds = [], []

    def document(
        doc_id: str, extra: list[tuple[str, str]], captions: list[str], prose: list[str], site: str = ""
    ) -> None:
        body = [paragraph(rng) for _ in range(5)]
        lines = [f"{rng.choice(HEADLINES)}, {doc_id} edition"]
        for where, text in extra:
            if where == "top":
                lines.append(text)
            elif where == "twice":
                lines.extend([text, text])
        lines.extend(body[:3])
        lines.extend(text for where, text in extra if where == "middle")
        lines.extend(body[3:])
        lines.extend(text for where, text in extra if where == "end")
        site = site or rng.choice(SITES)
        inputs.append({"id": doc_id, "url": f"https://{site}/{doc_id}", "text": "\n\n".join(lines)})
        golds.append({"id": doc_id, "captions": captions, "prose": prose, "body": body})

    places = ["top", "middle", "twice", "end"]
    for f, fmt in enumerate(FORMATS):
        for k in range(3):
            name = NAMES[(f + k * 5) % len(NAMES)]
            caption = f"{rng.choice(SCENES)} {credit(fmt, name)}"
            where = places[(f + k) % len(places)]
            document(f"fmt{f:02d}-{k}", [(where, caption)], [caption], [])
    for p, sentence in enumerate(PROSE):
        for k, where in enumerate(("top", "middle", "twice")):
            document(f"prose{p:02d}-{k}", [(where, sentence)], [], [sentence])
    # Credits with no label and no known outlet ("NAME/Riverside Echo"): weak alone. One site
    # prints them under its pictures on many pages (caption.site-template); another prints each
    # caption twice under the headline (caption.repeated).
    for k in range(8):
        caption = f"{rng.choice(SCENES)} {NAMES[k]}/Riverside Echo"
        document(f"site-{k}", [("middle", caption)], [caption], [], site="riverside-echo.example")
    for k in range(4):
        caption = f"{rng.choice(SCENES)} {NAMES[k + 6]} | Lakeside Courier"
        document(f"twice-{k}", [("twice", caption)], [caption], [], site=f"lakeside{k}.example")
    for name, rows in (("input.jsonl", inputs), ("gold.jsonl", golds)):
        with (out / name).open("w", encoding="utf-8") as file:
            file.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    print(
        f"{len(inputs)} documents: {len(FORMATS)} credit formats x 3, {len(PROSE)} prose sentences x 3, "
        "8 pages of a site with its own credit shape, 4 with a weak credit printed twice"
    )


@dataclass
class Score:
    captions_found: int = 0
    captions: int = 0
    prose_kept: int = 0
    prose: int = 0
    body_lost: int = 0
    missed: dict[str, int] = field(default_factory=dict)
    evidence: dict[str, int] = field(default_factory=dict)  # "site", "twice": captions found
    prose_lost: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.captions_found / self.captions


def score(out: Path) -> Score:
    """The figures of ``out/out.jsonl`` against ``out/gold.jsonl``."""
    gold = {g["id"]: g for g in map(json.loads, (out / "gold.jsonl").open(encoding="utf-8"))}
    records = {r["id"]: r for r in map(json.loads, (out / "out.jsonl").open(encoding="utf-8"))}
    result = Score()
    for doc_id, g in gold.items():
        record = records.get(doc_id)
        paragraphs = record["text"].split("\n\n") if record else []
        for caption in g["captions"]:
            result.captions += doc_id.startswith("fmt")
            found = record is not None and caption in record["captions"] and caption not in paragraphs
            if not doc_id.startswith("fmt"):  # the evidence other than the credit alone
                group = doc_id.split("-")[0]
                result.evidence[group] = result.evidence.get(group, 0) + found
                continue
            if found:
                result.captions_found += 1
            else:
                fmt = FORMATS[int(doc_id[3:5])]
                result.missed[fmt] = result.missed.get(fmt, 0) + 1
        for sentence in g["prose"]:
            result.prose += 1
            if record and sentence in paragraphs and sentence not in record["captions"]:
                result.prose_kept += 1
            else:
                result.prose_lost.append(f"{doc_id}: {sentence}")
        result.body_lost += sum(p not in paragraphs for p in g["body"])
    return result


def report(result: Score) -> None:
    print(
        f"caption recall {result.recall:.4f} ({result.captions_found}/{result.captions}); "
        f"prose kept {result.prose_kept}/{result.prose}; body paragraphs lost {result.body_lost}; "
        f"weak credits found by the site's template {result.evidence.get('site', 0)}/8, "
        f"printed twice {result.evidence.get('twice', 0)}/4"
    )
    for fmt, n in sorted(result.missed.items()):
        print(f"  missed {n}x: {fmt}")
    for lost in result.prose_lost:
        print(f"  prose moved or removed: {lost}")


if __name__ == "__main__":
    command, folder = sys.argv[1], Path(sys.argv[2])
    if command == "build":
        build(folder)
    else:
        report(score(folder))
