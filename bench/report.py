#!/usr/bin/env python3
"""Turns benchmark JSON into one section of docs/PERFORMANCE.md.

    report.py SECTION JSON [--doc docs/PERFORMANCE.md] [--title TITLE] [--build TEXT]

Each section of PERFORMANCE.md lives between the markers
    <!-- BEGIN SECTION -->
    <!-- END SECTION -->
and only that text is replaced; everything else in the file is kept. A
section not yet in the file is appended under "## TITLE". JSON is either
Google Benchmark's (--benchmark_out_format=json) or a plain table that any
other benchmark script can write:
    {"title": "...", "columns": ["...", ...], "rows": [["...", ...], ...],
     "notes": ["...", ...]}
Sections with a renderer in RENDERERS get a custom table (e.g. "core": every
figure beside its limit); any other Google Benchmark file gets a generic one.
Standard library only.
"""

import argparse
import datetime
import json
import os
import re
import sys

# ---------------------------------------------------------------- formatting


def ns_of(bench, field="cpu_time"):
    """Time per iteration in nanoseconds: CPU time by default, since the
    machine is shared and single-threaded CPU time is what other load
    disturbs least; Google Benchmark's rates (items/s) use it too."""
    scale = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}[bench.get("time_unit", "ns")]
    return bench[field] * scale


def fmt_time(ns):
    if ns >= 1e9:
        return f"{ns / 1e9:.2f} s"
    if ns >= 1e6:
        return f"{ns / 1e6:.2f} ms"
    if ns >= 1e3:
        return f"{ns / 1e3:.2f} µs"
    return f"{ns:.0f} ns"


def fmt_rate(per_second):
    for unit, scale in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if per_second >= scale:
            return f"{per_second / scale:.2f} {unit}/s"
    return f"{per_second:.0f} /s"


def fmt_op(ns):
    """'41.20 µs (24.27 k/s)': time per operation and its rate on one core."""
    return f"{fmt_time(ns)} ({fmt_rate(1e9 / ns)})"


def table(columns, rows):
    out = ["| " + " | ".join(columns) + " |", "|" + "|".join("---" for _ in columns) + "|"]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return out


def context_lines(doc, build):
    ctx = doc.get("context", {})
    date = ctx.get("date", datetime.datetime.now().isoformat(timespec="seconds"))
    cpu = f"{ctx.get('num_cpus', '?')} CPUs at {ctx.get('mhz_per_cpu', '?')} MHz"
    line = f"Measured {date} on {ctx.get('host_name', 'this machine')} ({cpu})"
    if build:
        line += f", acta built {build}"
    load = ctx.get("load_avg")
    if load:
        line += f", load average {load[0]:.1f} during the run"
    return [line + ". Times are CPU time per operation on one thread."]


# ------------------------------------------------------- Google Benchmark JSON


class Results:
    """Benchmark runs of one Google Benchmark JSON file, by run name. With
    --benchmark_repetitions the median of the repetitions stands for each."""

    def __init__(self, doc):
        self.doc = doc
        self.by_name = {}
        medians = {}
        for b in doc.get("benchmarks", []):
            if b.get("error_occurred"):
                continue
            name = b.get("run_name", b["name"])
            if b.get("run_type") == "aggregate":
                if b.get("aggregate_name") == "median":
                    medians[name] = b
            else:
                self.by_name[name] = b
        self.by_name.update(medians)

    def get(self, name):
        return self.by_name.get(name)


def render_generic_gbench(doc, build):
    res = Results(doc)
    rows = []
    for name, b in res.by_name.items():
        extra = []
        if "items_per_second" in b:
            extra.append(f"{fmt_rate(b['items_per_second'])} items")
        if "bytes_per_second" in b:
            extra.append(f"{b['bytes_per_second'] / 1e6:.1f} MB/s")
        rows.append([f"`{name}`", b.get("label", ""), fmt_op(ns_of(b)), ", ".join(extra)])
    return context_lines(doc, build) + [""] + table(["Benchmark", "Label", "Time", "Throughput"], rows)


def render_plain(doc, build):
    lines = []
    if build:
        lines += [f"acta built {build}.", ""]
    lines += table(doc["columns"], doc["rows"])
    for note in doc.get("notes", []):
        lines += ["", note]
    return lines


# ----------------------------------------------------------------- core section

SHAPES = (("0", "typical acta"), ("1", "largest acta"))

# (operation, our benchmark, the limit's benchmark, what the limit is)
CORE_PAIRS = [
    ("Sign an acta (`SignActa`: encode + Ed25519)", "BM_ActaSign", "BM_RawSodiumSign",
     "`crypto_sign_detached`, same message"),
    ("Verify an acta signature (`Acta::VerifySignature`)", "BM_ActaVerify", "BM_RawSodiumVerify",
     "`crypto_sign_verify_detached`, same message"),
    ("Decode + verify (what ingest does per acta)", "BM_ActaDecodeVerify", "BM_RawSodiumVerify",
     "`crypto_sign_verify_detached`, same message"),
    ("Transport MAC (`ComputeMac`)", "BM_TransportMac", "BM_RawSodiumGenericHash",
     "keyed `crypto_generichash`, 16 B out"),
    ("Transport MAC check (`VerifyMac`)", "BM_TransportMacVerify", "BM_RawSodiumGenericHash",
     "keyed `crypto_generichash`, 16 B out"),
    ("RFC 9162 leaf hash (`LeafHashOf`)", "BM_LeafHash", "BM_RawOpensslSha256",
     "OpenSSL `SHA256()` of 0x00 ‖ acta"),
]
# Per leaf or node, no acta shape.
CORE_SINGLE_PAIRS = [
    ("Merkle node hash (`HashChildren`)", "BM_HashChildren", "BM_RawOpensslNodeHash",
     "OpenSSL `SHA256()` of 65 B"),
    ("Merkle append, per leaf (65,536 leaves into a fresh tree)", "BM_MerkleAppend",
     "BM_RawOpensslNodeHash", "one raw node hash (an append hashes ~1 node, amortised)"),
]


def per_item_ns(b):
    if "items_per_second" in b and "BM_MerkleAppend" in b.get("run_name", b["name"]):
        return 1e9 / b["items_per_second"]
    return ns_of(b)


def ratio_cell(ours, limit):
    if ours is None or limit is None:
        return "n/a"
    return f"{per_item_ns(limit) / per_item_ns(ours):.2f}"


def render_core(doc, build):
    res = Results(doc)
    lines = context_lines(doc, build) + [""]
    sizes = {}
    for arg, _ in SHAPES:
        b = res.get(f"BM_ActaDecode/{arg}")
        if b and b.get("label"):
            sizes[arg] = b["label"].split(" ", 1)[1]
    lines.append(
        "Each figure stands beside its limit: the raw library call on the same bytes, measured "
        "in the same run. *Ratio* is our rate divided by the limit's rate (1.00 = no overhead "
        "over the library). Typical acta: the synthesizer's 2 contests of 6 and 5 candidates "
        f"({sizes.get('0', '?')}); largest: {16} contests filled up to the 1,024-byte maximum "
        f"({sizes.get('1', '?')}).")
    lines.append("")

    rows = []
    for op, ours_name, limit_name, limit_text in CORE_PAIRS:
        for arg, shape in SHAPES:
            ours, limit = res.get(f"{ours_name}/{arg}"), res.get(f"{limit_name}/{arg}")
            rows.append([op if arg == "0" else "", shape,
                         fmt_op(per_item_ns(ours)) if ours else "n/a",
                         f"{limit_text}: {fmt_op(per_item_ns(limit))}" if limit else "n/a",
                         ratio_cell(ours, limit)])
    for op, ours_name, limit_name, limit_text in CORE_SINGLE_PAIRS:
        ours, limit = res.get(ours_name), res.get(limit_name)
        rows.append([op, "", fmt_op(per_item_ns(ours)) if ours else "n/a",
                     f"{limit_text}: {fmt_op(per_item_ns(limit))}" if limit else "n/a",
                     ratio_cell(ours, limit)])
    lines += table(["Operation", "Acta", "Ours", "Limit (raw library)", "Ratio"], rows)

    # Encoding has no library to compare with; what matters is how little it
    # adds to the signature work every acta needs anyway.
    lines += ["", "Encoding and decoding, as a share of one raw signature verification of the "
              "same acta:", ""]
    rows = []
    for op, name in (("Encode the body (`EncodeActaBody`)", "BM_ActaEncode"),
                     ("Strict decode (`DecodeActa`)", "BM_ActaDecode")):
        for arg, shape in SHAPES:
            ours, verify = res.get(f"{name}/{arg}"), res.get(f"BM_RawSodiumVerify/{arg}")
            share = f"{100 * ns_of(ours) / ns_of(verify):.1f} %" if ours and verify else "n/a"
            rows.append([op if arg == "0" else "", shape,
                         fmt_op(ns_of(ours)) if ours else "n/a", share])
    derive = res.get("BM_DeriveTransportKey")
    if derive:
        rows.append(["Derive a table's transport key (`DeriveTransportKey`)", "",
                     fmt_op(ns_of(derive)), "n/a"])
    lines += table(["Operation", "Acta", "Ours", "Share of a raw verify"], rows)

    synth = next((b for n, b in res.by_name.items() if n.startswith("BM_Synthesize/")), None)
    if synth:
        tables = int(synth.get("tables", synth["name"].split("/")[1]))
        secs = ns_of(synth, "real_time") / 1e9
        cpu = ns_of(synth, "cpu_time") / 1e9
        verdict = "within" if secs < 60 else "OVER"
        lines += ["", f"Synthesizing an election of {tables:,} tables (`sim::SynthesizeElection`, "
                  f"2 threads, one run): **{secs:.1f} s** wall ({verdict} the 60 s budget), "
                  f"{cpu:.1f} s CPU, {fmt_rate(tables / secs)} tables. With both cores to "
                  f"itself it would take about {cpu / 2:.0f} s (CPU time over 2 threads)."]
    return lines


RENDERERS = {"core": ("Core formats and crypto", render_core)}

# ------------------------------------------------------------------ the file

DOC_HEADER = """# Performance

Every section below is generated by a benchmark script (`scripts/run-bench.sh BUILD_DIR`
for the core formats) through `bench/report.py`, which rewrites only the text between a
section's BEGIN and END comment markers; the rest of the file is kept. Numbers come from the
2-core machine the project builds on; compare ratios more than absolute times.
"""


def replace_section(text, section, title, body_lines):
    begin, end = f"<!-- BEGIN {section} -->", f"<!-- END {section} -->"
    block = begin + "\n" + "\n".join(body_lines).rstrip() + "\n" + end
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.S)
    if pattern.search(text):
        return pattern.sub(lambda _: block, text, count=1)
    if not text:
        text = DOC_HEADER
    return text.rstrip("\n") + f"\n\n## {title}\n\n{block}\n"


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("section", help="section name, e.g. core (the marker name)")
    p.add_argument("json", help="benchmark JSON file")
    p.add_argument("--doc", default=os.path.join(os.path.dirname(__file__), "..", "docs",
                                                  "PERFORMANCE.md"))
    p.add_argument("--title", help="heading for a new section (default: the section's own)")
    p.add_argument("--build", default="", help="how acta was built, e.g. 'RelWithDebInfo -O2'")
    args = p.parse_args(argv)

    with open(args.json, encoding="utf-8") as f:
        doc = json.load(f)
    if "benchmarks" in doc:
        title, render = RENDERERS.get(args.section, (args.section, render_generic_gbench))
    elif "rows" in doc and "columns" in doc:
        title, render = doc.get("title", args.section), render_plain
    else:
        sys.exit(f"report.py: {args.json}: neither Google Benchmark JSON nor a plain table")
    title = args.title or title

    text = ""
    if os.path.exists(args.doc):
        with open(args.doc, encoding="utf-8") as f:
            text = f.read()
    text = replace_section(text, args.section, title, render(doc, args.build))
    tmp = args.doc + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, args.doc)
    print(f"report.py: wrote section '{args.section}' of {os.path.normpath(args.doc)}")


if __name__ == "__main__":
    main(sys.argv[1:])
