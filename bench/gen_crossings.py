#!/usr/bin/env python3
"""Writes a CSV of invented border-crossing records for the bulk-import benchmark.

Every value is made up from a seeded random generator: the same --rows and --seed always give
the same file, byte for byte. No real person's data is used; names are random combinations of
common given and family names in Latin, Arabic and Cyrillic script.

Columns: crossing_ref,passport_no,full_name,birth_date,nationality,phone,point_code,direction,crossed_at

Travellers repeat (about one traveller per three crossings, see --crossings-per-traveller), so
that a Person entity receives statements from several rows, as in real crossing logs.

Python 3.11 standard library only.
"""

import argparse
import csv
import datetime
import random
import sys

HEADER = [
    "crossing_ref",
    "passport_no",
    "full_name",
    "birth_date",
    "nationality",
    "phone",
    "point_code",
    "direction",
    "crossed_at",
]

NATIONALITIES = [
    "SYR", "AFG", "ERI", "NGA", "LBY", "TUR", "PAK", "BGD",
    "MAR", "TUN", "SDN", "IRQ", "EGY", "GIN", "CIV", "MLI",
]

POINT_CODES = [
    "BCP-LAMPEDUSA-PORT", "BCP-POZZALLO-PORT", "BCP-KIPOI-LAND", "BCP-KAPITAN-ANDREEVO",
    "BCP-HORGOS-LAND", "BCP-CEUTA-TARAJAL", "BCP-MELILLA-BENIENZAR", "BCP-RAS-AJDIR",
    "BCP-BEAUSOLEIL-LAND", "BCP-BRENNERO-RAIL", "BCP-TRIESTE-FERNETTI", "BCP-MALPENSA-AIR",
]

LATIN_GIVEN = [
    "Ahmad", "Mohammed", "Omar", "Yusuf", "Ibrahim", "Hassan", "Ali", "Khalid", "Samir", "Tariq",
    "Fatima", "Aisha", "Mariam", "Amina", "Layla", "Noor", "Huda", "Salma", "Zainab", "Rania",
    "Abdi", "Tesfay", "Yonas", "Semhar", "Chinedu", "Emeka", "Ngozi", "Adaeze", "Bilal", "Imran",
    "Rahim", "Karim", "Nadia", "Farida", "Mustafa", "Emre", "Elif", "Zeynep", "Hamid", "Rashid",
]
LATIN_FAMILY = [
    "Haddad", "Khalil", "Mansour", "Nasser", "Saleh", "Hamdan", "Karimi", "Rahimi", "Ahmadi",
    "Hosseini", "Tesfamariam", "Ghebre", "Okafor", "Eze", "Adeyemi", "Balogun", "Yilmaz", "Demir",
    "Kaya", "Celik", "Chowdhury", "Rahman", "Hossain", "Benali", "El Idrissi", "Trabelsi",
    "Ben Salah", "Abdelrahman", "Osman", "Al-Jaburi", "Al-Tamimi", "Qureshi", "Siddiqui", "Mahmoud",
]
ARABIC_GIVEN = [
    "أحمد", "محمد", "عمر", "يوسف", "إبراهيم", "حسن", "علي", "خالد", "سمير", "طارق",
    "فاطمة", "عائشة", "مريم", "أمينة", "ليلى", "نور", "هدى", "سلمى", "زينب", "رانيا",
]
ARABIC_FAMILY = [
    "حداد", "خليل", "منصور", "ناصر", "صالح", "حمدان", "الجبوري", "التميمي", "عثمان", "محمود",
    "بن علي", "الطرابلسي", "عبد الرحمن", "الإدريسي", "القرشي", "السعدي",
]
CYRILLIC_GIVEN = [
    "Ахмад", "Мухаммад", "Омар", "Юсуф", "Ибрагим", "Хасан", "Али", "Рустам", "Тимур", "Фарход",
    "Фатима", "Айша", "Мариам", "Амина", "Лейла", "Нур", "Зарина", "Дильноза", "Гульнара", "Мадина",
]
CYRILLIC_FAMILY = [
    "Хаддад", "Халилов", "Мансуров", "Насиров", "Салехов", "Каримов", "Рахимов", "Ахмедов",
    "Юсупов", "Исмаилов", "Алиев", "Гасанов", "Усманов", "Махмудов", "Турсунов", "Назаров",
]

# Mobile ranges that libphonenumber accepts as valid. Italian mobiles are 3xx + 7 digits
# (10 digits after +39); German mobiles 15x/16x/17x + 8 digits.
IT_MOBILE_PREFIXES = [
    "320", "324", "327", "328", "329", "330", "331", "333", "334", "335", "336", "337", "338",
    "339", "340", "342", "343", "345", "346", "347", "348", "349", "350", "351", "366", "368",
    "371", "373", "377", "380", "388", "389", "391", "392", "393",
]
DE_MOBILE_PREFIXES = ["151", "152", "157", "159", "160", "162", "163", "170", "171", "172",
                      "173", "174", "175", "176", "177", "178", "179"]

BIRTH_FIRST = datetime.date(1950, 1, 1).toordinal()
BIRTH_LAST = datetime.date(2008, 12, 31).toordinal()
CROSSING_EPOCH = datetime.datetime(2024, 1, 1)
CROSSING_SPAN_SECONDS = int((datetime.datetime(2026, 10, 31) - CROSSING_EPOCH).total_seconds())


def invent_name(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.50:
        given, family = LATIN_GIVEN, LATIN_FAMILY
    elif r < 0.75:
        given, family = ARABIC_GIVEN, ARABIC_FAMILY
    elif r < 0.92:
        given, family = CYRILLIC_GIVEN, CYRILLIC_FAMILY
    else:
        # Mixed script: a Latin given name with an Arabic or Cyrillic family name, as happens when
        # a record is partly transliterated.
        given = LATIN_GIVEN
        family = ARABIC_FAMILY if rng.random() < 0.5 else CYRILLIC_FAMILY
    parts = [rng.choice(given)]
    if rng.random() < 0.3:
        parts.append(rng.choice(given))
    parts.append(rng.choice(family))
    return " ".join(parts)


def invent_phone(rng: random.Random) -> str:
    if rng.random() < 0.8:
        return "+39" + rng.choice(IT_MOBILE_PREFIXES) + f"{rng.randrange(10_000_000):07d}"
    return "+49" + rng.choice(DE_MOBILE_PREFIXES) + f"{rng.randrange(100_000_000):08d}"


def make_travellers(rng: random.Random, count: int) -> list[tuple[str, str, str, str, str]]:
    """(passport_no, full_name, birth_date, nationality, phone) for `count` distinct travellers."""
    # Passport numbers: two letters + seven digits from a seeded affine permutation of the
    # traveller index, so they look random yet are unique for up to 10 million travellers.
    mult = rng.choice([7919, 104729, 1299709, 15485863, 32452843])  # primes, coprime with 10**7
    offset = rng.randrange(10**7)
    letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
    out = []
    for i in range(count):
        digits = (i * mult + offset) % 10**7
        block = i // 10**7
        passport = letters[(block + i) % len(letters)] + letters[(block * 7 + i // len(letters)) % len(letters)]
        passport += f"{digits:07d}"
        birth = datetime.date.fromordinal(rng.randint(BIRTH_FIRST, BIRTH_LAST)).isoformat()
        out.append((passport, invent_name(rng), birth, rng.choice(NATIONALITIES), invent_phone(rng)))
    return out


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=910_000, help="crossing rows to write (default 910000, about 10M statements)")
    ap.add_argument("--out", required=True, help="output CSV file, or - for standard output")
    ap.add_argument("--seed", type=int, default=20261122, help="random seed (default 20261122)")
    ap.add_argument("--crossings-per-traveller", type=float, default=3.0, help="average crossings per traveller (default 3)")
    args = ap.parse_args(argv)
    if args.rows < 0:
        ap.error("--rows must be zero or more")

    rng = random.Random(args.seed)
    travellers = make_travellers(rng, max(1, round(args.rows / args.crossings_per_traveller)))
    n_travellers = len(travellers)
    n_points = len(POINT_CODES)
    epoch = CROSSING_EPOCH
    td = datetime.timedelta
    rnd = rng.random
    span = CROSSING_SPAN_SECONDS

    out = sys.stdout if args.out == "-" else open(args.out, "w", newline="", encoding="utf-8")
    try:
        w = csv.writer(out, lineterminator="\n")
        w.writerow(HEADER)
        chunk = []
        for i in range(args.rows):
            t = travellers[int(rnd() * n_travellers)]
            crossed_at = (epoch + td(seconds=int(rnd() * span))).isoformat()
            chunk.append((
                f"CR-{i + 1:010d}",
                t[0], t[1], t[2], t[3], t[4],
                POINT_CODES[int(rnd() * n_points)],
                "entry" if rnd() < 0.5 else "exit",
                crossed_at,
            ))
            if len(chunk) == 50_000:
                w.writerows(chunk)
                chunk.clear()
        w.writerows(chunk)
    finally:
        if out is not sys.stdout:
            out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
