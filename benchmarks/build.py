"""Build the benchmark dataset in the database named by DATABASE_URL."""

import argparse
import os
import sys
import time

import django


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--users", type=int, default=5000)
    parser.add_argument("--months", type=int, default=12)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "boms.settings")
    django.setup()
    from benchmarks.dataset import DatasetSize, build

    started = time.monotonic()
    build(DatasetSize(users=args.users, months=args.months, scale=args.scale), stdout=sys.stdout)
    print(f"in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
