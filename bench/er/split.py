"""Split a CSV into a base and a held-out sample of new records (seeded), header kept in both.

    python split.py INPUT.csv N SEED BASE.csv NEW.csv
"""
import random
import sys


def main(argv):
    if len(argv) != 6:
        print(__doc__, file=sys.stderr)
        return 2
    path, n, seed, base_path, new_path = argv[1], int(argv[2]), int(argv[3]), argv[4], argv[5]
    with open(path, encoding="utf-8") as f:
        header = f.readline()
        lines = f.readlines()
    chosen = set(random.Random(seed).sample(range(len(lines)), min(n, len(lines))))
    with open(base_path, "w", encoding="utf-8") as base, open(new_path, "w", encoding="utf-8") as new:
        base.write(header)
        new.write(header)
        for i, line in enumerate(lines):
            (new if i in chosen else base).write(line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
