"""Reading and writing the vector files (shared by both generators)."""

import json
import os


def dumps(doc):
    """The canonical text of a vector file."""
    return json.dumps(doc, indent=1, ensure_ascii=False) + "\n"


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def check_or_write(text, path, check, label):
    """Shared by both generators: write `text`, or compare it with the file."""
    if not check:
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        print("wrote %s" % os.path.relpath(path))
        return 0
    try:
        with open(path, encoding="utf-8", newline="") as f:
            old = f.read()
    except FileNotFoundError:
        print("%s: %s is missing; run %s" % (label, path, label))
        return 1
    if old == text:
        print("%s: %s is up to date" % (label, os.path.relpath(path)))
        return 0
    print("%s: %s differs from a fresh generation" % (label, os.path.relpath(path)))
    try:
        old_doc, new_doc = json.loads(old), json.loads(text)
    except ValueError as e:
        print("  committed file is not valid JSON: %s" % e)
        return 1
    for key in sorted(set(old_doc) | set(new_doc)):
        if key != "vectors" and old_doc.get(key) != new_doc.get(key):
            print("  %s: committed %r, fresh %r" % (key, old_doc.get(key), new_doc.get(key)))
    old_v = {v.get("name"): v for v in old_doc.get("vectors", [])}
    new_v = {v.get("name"): v for v in new_doc.get("vectors", [])}
    print("  vectors: committed %d, fresh %d" % (len(old_v), len(new_v)))
    missing = [n for n in new_v if n not in old_v]
    extra = [n for n in old_v if n not in new_v]
    changed = [n for n in new_v if n in old_v and old_v[n] != new_v[n]]
    for label2, names in (("missing", missing), ("unexpected", extra), ("changed", changed)):
        if names:
            print("  %d %s: %s%s" % (len(names), label2, ", ".join(names[:5]),
                                     " ..." if len(names) > 5 else ""))
    for n in changed[:3]:
        fields = [k for k in sorted(set(old_v[n]) | set(new_v[n])) if old_v[n].get(k) != new_v[n].get(k)]
        print("    %s: fields differ: %s" % (n, ", ".join(fields)))
    if not (missing or extra or changed):
        print("  same content, different formatting (regenerate to fix)")
    return 1
