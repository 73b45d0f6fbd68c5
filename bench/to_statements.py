#!/usr/bin/env python3
"""Turns the crossings CSV into the statements the mapping makes of it, one CSV row each.

This is the input of the "floor" loads (SQLite `.import`, PostgreSQL `COPY`): the same
statements Corridor stores for bench/crossings.mapping.yaml, as plain (entity_id, prop, value)
rows, with the same entity ids (SHA-1 of the schema name and the key column, as
corridor_model::id::make_id computes them) and the same normal forms (country codes as
lowercase alpha-2). One row per statement processed: rows * 11 lines after the header,
duplicates included, since the floor table has no key to skip them with.

Usage: to_statements.py CROSSINGS.csv OUT.csv      (Python 3.11 standard library only)
"""

import csv
import hashlib
import sys

ALPHA3_TO_NORMAL = {
    "SYR": "sy", "AFG": "af", "ERI": "er", "NGA": "ng", "LBY": "ly", "TUR": "tr", "PAK": "pk",
    "BGD": "bd", "MAR": "ma", "TUN": "tn", "SDN": "sd", "IRQ": "iq", "EGY": "eg", "GIN": "gn",
    "CIV": "ci", "MLI": "ml",
}


def make_id(*parts: str) -> str:
    h = hashlib.sha1()
    for p in parts:
        h.update(p.encode("utf-8"))
        h.update(b"\x1f")
    return h.hexdigest()


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    src, dst = argv
    point_ids: dict[str, str] = {}
    with open(src, newline="", encoding="utf-8") as f, open(dst, "w", newline="", encoding="utf-8") as out:
        r = csv.reader(f)
        header = next(r)
        col = {name: i for i, name in enumerate(header)}
        c_ref, c_pass, c_name, c_birth, c_nat, c_phone, c_point, c_dir, c_at = (
            col[n] for n in ("crossing_ref", "passport_no", "full_name", "birth_date", "nationality",
                             "phone", "point_code", "direction", "crossed_at")
        )
        w = csv.writer(out, lineterminator="\n")
        w.writerow(["entity_id", "prop", "value"])
        chunk = []
        for row in r:
            passport = row[c_pass]
            tid = make_id("Person", passport)
            point = row[c_point]
            pid = point_ids.get(point)
            if pid is None:
                pid = point_ids[point] = make_id("BorderCrossingPoint", point)
            cid = make_id("Crossing", row[c_ref])
            chunk += (
                (tid, "name", row[c_name]),
                (tid, "birthDate", row[c_birth]),
                (tid, "nationality", ALPHA3_TO_NORMAL.get(row[c_nat], row[c_nat].lower())),
                (tid, "phone", row[c_phone]),
                (tid, "passportNumber", passport),
                (pid, "name", point),
                (pid, "code", point),
                (cid, "traveller", tid),
                (cid, "point", pid),
                (cid, "direction", row[c_dir]),
                (cid, "date", row[c_at]),
            )
            if len(chunk) >= 110_000:
                w.writerows(chunk)
                chunk.clear()
        w.writerows(chunk)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
