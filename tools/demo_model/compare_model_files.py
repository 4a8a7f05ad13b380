#!/usr/bin/python3
"""Checks that two GemmaChat model files hold the same model: every byte of the data (tokenizer and weights)
and every header field equal, except the two that record the build rather than the model: "created" (the
import time) and model.source (the absolute path of the folder imported). Exit status 0 if the same.

  /usr/bin/python3 tools/demo_model/compare_model_files.py A.gemma B.gemma

The layout is core/model/model_file.h's: 8-byte magic, u32 version, u32 flags, u64 JSON length, the JSON header
padded with spaces, then the data at 24 + JSON length.
"""

import json
import struct
import sys

VOLATILE = ("created", "source")


def read(path):
    with open(path, "rb") as f:
        blob = f.read()
    if blob[:8] != b"GEMMACHT":
        raise SystemExit(f"{path} is not a GemmaChat model file")
    (length,) = struct.unpack_from("<Q", blob, 16)
    header = json.loads(blob[24:24 + length].decode("utf-8"))
    return blob, header, 24 + length


def stable(header):
    h = dict(header)
    h.pop("created", None)
    h["model"] = {k: v for k, v in h["model"].items() if k != "source"}
    return h


def main():
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    (a, ha, da), (b, hb, db) = read(sys.argv[1]), read(sys.argv[2])
    same = True
    if a[:16] != b[:16]:
        print("the preambles differ (magic, version or flags)")
        same = False
    if stable(ha) != stable(hb):
        print("the headers differ beyond", ", ".join(VOLATILE))
        same = False
    if a[da:] != b[db:]:
        same = False
        tensors = {t["name"]: t for t in ha.get("tensors", [])}
        for name, t in sorted(tensors.items(), key=lambda item: item[1]["offset"]):
            ranges = [(t["offset"], t["bytes"])]
            if "scales_offset" in t:
                ranges.append((t["scales_offset"], t["scales_bytes"]))
            if any(a[o:o + n] != b[o - da + db:o - da + db + n] for o, n in ranges):
                print(f"first differing tensor: {name}")
                break
        else:
            print("the data differ (tokenizer or padding)")
    for key in VOLATILE:
        va = ha.get(key, ha["model"].get(key))
        vb = hb.get(key, hb["model"].get(key))
        if va != vb:
            print(f"(ignored) {key}: {va!r} vs {vb!r}")
    print("same model" if same else "DIFFERENT models")
    sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()
