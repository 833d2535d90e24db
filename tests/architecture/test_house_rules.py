"""House rule 1 (STYLE): every status change is a django-fsm-2 transition called from porting/services/.

Checked on the code's syntax tree, for both state machines (the port order and the approval
request), with the transition names read from the models themselves, so a new transition is
covered without touching this test.
"""
from __future__ import annotations

import ast
import pathlib

from porting.models import ApprovalRequest, PortOrder

PORTING = pathlib.Path(__file__).resolve().parents[2] / "porting"
SERVICES = PORTING / "services"
MODELS = PORTING / "models"
# The outbox is a work queue, not a domain state machine: its rows' status (pending, done, dead) is
# claimed and ended by conditional UPDATEs, and porting/outbox.py is the only module that writes it.
OUTBOX = PORTING / "outbox.py"
WRITERS = {"create", "update", "get_or_create", "update_or_create", "bulk_create", "bulk_update"}


def transition_names(model: type) -> set[str]:
    field = model._meta.get_field("status")
    return set(field.transitions[model])


TRANSITIONS = transition_names(PortOrder) | transition_names(ApprovalRequest)


def violations(source: str, *, may_call_transitions: bool) -> list[str]:
    """Lines of ``source`` that change a status outside a transition or call a transition they may not."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            receiver = node.func.value
            calls_own = isinstance(receiver, ast.Name) and receiver.id == "self"
            if node.func.attr in TRANSITIONS and not may_call_transitions and not calls_own:
                found.append(f"{node.lineno}: calls the transition {node.func.attr}()")
            if node.func.attr in WRITERS and any(k.arg == "status" for k in node.keywords):
                found.append(f"{node.lineno}: writes status with {node.func.attr}()")
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for part in ast.walk(target):
                    if isinstance(part, ast.Attribute) and part.attr == "status":
                        found.append(f"{node.lineno}: assigns .status")
    return found


def test_both_state_machines_are_read_from_the_models():
    assert {"approve", "clear_approval", "submit", "confirm_foc", "reject", "complete", "cancel"} <= TRANSITIONS
    assert {"view", "sign", "decline", "expire", "revoke"} <= TRANSITIONS


def test_the_checker_finds_each_kind_of_violation():
    bad = (
        "order.submit(at=now)\n"
        "request.revoke(at=now, reason='x')\n"
        "PortOrder.objects.filter(pk=1).update(status='draft')\n"
        "ApprovalRequest.objects.create(order=o, status='signed')\n"
        "request.status = 'expired'\n"
    )
    assert len(violations(bad, may_call_transitions=False)) == 5
    assert len(violations(bad, may_call_transitions=True)) == 3  # services still never write status directly


def test_only_services_call_transitions_and_nothing_writes_status():
    assert SERVICES.is_dir() and MODELS.is_dir(), PORTING
    offenders = []
    for path in sorted(PORTING.rglob("*.py")):
        if "migrations" in path.parts or path == OUTBOX:
            continue
        in_services = SERVICES in path.parents
        in_models = MODELS in path.parents  # where the transitions are defined (they call nothing)
        for problem in violations(path.read_text(), may_call_transitions=in_services or in_models):
            offenders.append(f"{path.relative_to(PORTING.parent)}:{problem}")
    assert offenders == []


def test_the_outbox_calls_no_transition():
    assert [p for p in violations(OUTBOX.read_text(), may_call_transitions=False) if "transition" in p] == []
