"""Names that break naive email code arrive intact through the worker and a real SMTP server:
a comma, quotes, non-ASCII letters, and a line break that must not become a header."""
from __future__ import annotations

import html

import pytest

from tests.worker.conftest import unique_address

pytestmark = pytest.mark.worker

NAMES = {
    "comma": "Smith, Jane",
    "quotes": 'Jane "JJ" O\'Brien',
    "non-ascii": "Zoë Łukasiewicz-Núñez 王",
    "line break": "Jane Smith\nBcc: intruder@evil.example",
}


def folded(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("name", NAMES.values(), ids=NAMES.keys())
def test_it_sends_the_signing_email_to_the_name_intact(stack, order_body, name):
    sandbox = stack.api(live=False)  # test mode: the sandbox carrier, the same outbox and worker
    order_id = sandbox.create(order_body())["id"]
    signer = unique_address()

    response = sandbox.request_approval(order_id, signer, name)
    assert response.status_code == 201, response.text
    (mail,) = stack.mail.wait_for(signer, timeout=30)

    assert mail.rcpt_tos == [signer]  # nobody else got it: no header was injected
    assert mail.message.get_all("Bcc") is None and mail.message.get_all("Cc") is None
    (to,) = mail.message["To"].addresses
    assert (to.display_name, to.addr_spec) == (folded(name), signer)
    assert f"Hello {folded(name)}," in folded(mail.text())
    assert f"Hello {folded(name)}," in folded(html.unescape(mail.html()))
