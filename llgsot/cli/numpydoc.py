"""The one reader of numpydoc "Parameters" sections, for the config schema's key descriptions."""
from __future__ import annotations

import inspect
import re

_SECTION_END = r"(?:\n\n[A-Z][a-z]+\n-+\n|\Z)"


def param_docs(obj) -> dict:
    """{name: one-paragraph description} from ``obj``'s numpydoc "Parameters" section.

    Entries ``name : type`` (or ``a, b : type``) start at the left margin, their description
    is indented below. Without a "Parameters" header the entries right after the summary are
    read. An object without a docstring gives {}.
    """
    doc = inspect.getdoc(obj) or ""
    m = re.search(r"^Parameters\n-+\n(.*?)" + _SECTION_END, doc, re.S | re.M)
    if not m:  # "name : type" entries right after the summary, without the header
        m = re.search(r"\n\n(.*?)" + _SECTION_END, doc, re.S)
        if not m:
            return {}
    out, names, text = {}, [], []

    def flush():
        for n in names:
            out[n] = " ".join(text).strip()

    for line in m.group(1).splitlines():
        if line and not line[0].isspace():
            flush()
            head = line.split(":")[0]
            names, text = [n.strip() for n in head.split(",")], []
        elif line.strip():
            text.append(line.strip())
    flush()
    return out
