#!/usr/bin/env python3
"""The "Three sites: ingest throughput" table (section ha_ingest of
docs/PERFORMANCE.md) from one or more bench/store_load runs made with
--ha-url: per run, single-site PostgreSQL ingest, three-site ingest and the
raw insert rates, each ratio from figures of that same run.

    ha_ingest_section.py STORE_JSON:LOAD [STORE_JSON:LOAD ...] OUT_JSON

LOAD is the 1-minute load average at the end of that run (for the reader;
the machine may be shared). OUT_JSON is a plain table for bench/report.py.
Standard library only.
"""

import json
import re
import sys

ONE = "PostgreSQL, 1 node"
HA = "PostgreSQL 3 sites, Patroni synchronous, --require-sync-standby, 1 node"
RAW = "raw PostgreSQL multi-row INSERT, 256 rows/statement, 1 connection"


def rate(text):
    return float(re.match(r"[\d.]+", text).group(0))


def main(args):
    if len(args) < 2:
        sys.exit(__doc__)
    rows = []
    for i, spec in enumerate(args[:-1], 1):
        path, _, load = spec.rpartition(":")
        by_name = {r[0]: r for r in json.load(open(path))["rows"]}
        if HA + ": throughput" not in by_name:
            sys.exit(f"{path}: no three-site row (store_load ran without --ha-url)")
        one, ha = by_name[ONE + ": throughput"], by_name[HA + ": throughput"]
        raw, raw_ha = rate(by_name[RAW][1]), rate(ha[2])  # ha[2]: "N rows/s (raw, same cluster)"
        rows.append([
            str(i), load,
            one[1], ha[1], f"{rate(ha[1]) / rate(one[1]):.2f}",
            f"{raw:.0f} rows/s", f"{rate(ha[1]) / raw:.2f}",
            f"{raw_ha:.0f} rows/s", f"{rate(ha[1]) / raw_ha:.2f}",
            by_name[ONE + ": acceptance latency"][1], by_name[HA + ": acceptance latency"][1],
        ])
    doc = {
        "title": "Three sites: ingest throughput",
        "columns": ["run", "load avg", "PostgreSQL 1 site, 1 center", "3 sites, synchronous",
                    "3 sites / 1 site", "raw insert, 1 site", "3 sites / raw 1 site",
                    "raw insert, 3-site cluster", "3 sites / raw 3 sites", "latency, 1 site",
                    "latency, 3 sites"],
        "rows": rows,
        "notes": [
            "bench/store_load --pg-url (scripts/pg-test-cluster.sh) --ha-url "
            "(scripts/ha-cluster.sh: 3 etcd, 3 Patroni/PostgreSQL 15 on loopback, "
            "synchronous_mode_strict). Each row is one run: the same 30,000 distinct actas on "
            "the terminal lane over 64 keep-alive connections into one center, first on one "
            "PostgreSQL, then with --require-sync-standby on the three-site cluster (every "
            "receipt waits until the synchronous standby reports the commit flushed). Raw: "
            "multi-row INSERT of the same rows into the same schema, 256 rows a statement, one "
            "connection, no center.",
            "All three sites share this machine's cores and disk, so the figure is what "
            "synchronous replication costs in round trips and work, not over a WAN (add the "
            "inter-site round trip to every commit). Load average: 1 minute, at the end of "
            "the run.",
        ],
    }
    with open(args[-1], "w") as f:
        json.dump(doc, f, indent=2)


if __name__ == "__main__":
    main(sys.argv[1:])
