"""House rules that hold across the code base, checked by reading the source."""
from __future__ import annotations

import pathlib
import re


def test_only_services_call_transitions_or_write_status():
    """House rule 1: no status writes and no transition calls outside porting/services.py."""
    root = pathlib.Path(__file__).resolve().parents[2] / "porting"
    transitions = r"\.(approve|clear_approval|submit|confirm_foc|reject|complete|cancel)\((?!self)"
    forbidden = [
        re.compile(r"\.update\([^)]*\bstatus\s*="),
        re.compile(r"\.create\([^)]*\bstatus\s*="),
        re.compile(r"\bstatus\s*=\s*(PortStatus|S)\.\w+\s*$"),
    ]
    offenders = []
    for path in root.rglob("*.py"):
        if path.name == "services.py" or "migrations" in path.parts:
            continue
        text = path.read_text()
        for line_no, line in enumerate(text.splitlines(), 1):
            if re.search(r"\border\.\w+", line) and re.search(transitions, line) and path.name != "models.py":
                offenders.append(f"{path.name}:{line_no}: {line.strip()}")
            if any(p.search(line) for p in forbidden):
                offenders.append(f"{path.name}:{line_no}: {line.strip()}")
    assert offenders == []
