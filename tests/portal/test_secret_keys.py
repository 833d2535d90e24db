"""API key hashing and field encryption have their own keys, independent of SECRET_KEY (DESIGN §7).

Changing SECRET_KEY breaks neither; API_KEY_HMAC_KEYS rotates like FIELD_ENCRYPTION_KEYS (newest
first, the old ones still verify); keys hashed before the upgrade, with SECRET_KEY, still work;
``check --deploy`` warns, with DEBUG off, about each list left unset.
"""
from __future__ import annotations

import hashlib
import hmac
from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from porting.apikeys import DEMO_API_KEY_HMAC_KEY
from porting.models import ApiKey, Platform
from tests.conftest import make_tenant
from tests.desk.helpers import LIST, user_in

URL = "/v1/port-in-eligibility"
BODY = {"phone_numbers": ["+12025551234"]}
OLD_HMAC_KEY = "old-api-key-hmac-key-0123456789abcdefghijklmnop"
NEW_HMAC_KEY = "new-api-key-hmac-key-0123456789abcdefghijklmnop"


def call(client, key: str) -> int:
    response = client.post(URL, BODY, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}")
    return response.status_code


def test_api_keys_keep_working_when_the_secret_key_changes(client, tenant, settings):
    assert call(client, tenant.key) == 200
    settings.SECRET_KEY = "a-new-secret-key-after-a-rotation-" + "x" * 30
    assert call(client, tenant.key) == 200
    assert call(client, tenant.live_key) == 200


def test_encrypted_values_stay_readable_on_the_desk_and_in_the_api_when_the_secret_key_changes(api, settings):
    order = api.create()
    settings.SECRET_KEY = "a-new-secret-key-after-a-rotation-" + "x" * 30
    agent = user_in("Porting agent", "agent")  # logged in after the change (sessions are signed with SECRET_KEY)
    assert agent.get(LIST).status_code == 200
    page = agent.get(f"{LIST}{order['id']}/change/")
    assert page.status_code == 200
    assert "•••••6789" in page.content.decode()
    subscriber = api.refresh(order["id"])["details"]["subscriber"]
    assert (subscriber["account_number"], subscriber["pin"]) == ("123456789", "1234")


def test_a_rotation_keeps_old_api_keys_working_and_rehashes_them_on_use(client, db, settings):
    settings.API_KEY_HMAC_KEYS = [OLD_HMAC_KEY]
    used, unused = make_tenant("Used"), make_tenant("Unused")
    settings.API_KEY_HMAC_KEYS = [NEW_HMAC_KEY, OLD_HMAC_KEY]
    assert call(client, used.key) == 200
    fresh = make_tenant("Fresh")  # hashed with the newest key
    settings.API_KEY_HMAC_KEYS = [NEW_HMAC_KEY]
    assert call(client, used.key) == 200  # rehashed with the new key when it was used during the overlap
    assert call(client, fresh.key) == 200
    assert call(client, unused.key) == 401  # never used while the old key was listed


def test_removing_an_old_hmac_key_makes_the_keys_hashed_with_it_fail(client, db, settings):
    settings.API_KEY_HMAC_KEYS = [OLD_HMAC_KEY]
    tenant = make_tenant()
    assert call(client, tenant.key) == 200
    settings.API_KEY_HMAC_KEYS = [NEW_HMAC_KEY]
    assert call(client, tenant.key) == 401


def legacy_hash(raw_key: str, secret_key: str) -> str:
    """What earlier versions stored: HMAC-SHA256 keyed with a hash of SECRET_KEY."""
    pepper = hashlib.sha256(b"portico-api-key:" + secret_key.encode()).digest()
    return hmac.new(pepper, raw_key.encode(), hashlib.sha256).hexdigest()


def test_keys_hashed_before_the_upgrade_work_and_then_survive_a_secret_key_change(client, db, settings):
    raw = "sk_test_" + "L" * 40
    ApiKey.objects.create(platform=Platform.objects.create(name="Old"), livemode=False, prefix=raw[:12],
                          secret_hash=legacy_hash(raw, settings.SECRET_KEY))
    settings.API_KEY_HMAC_KEYS = [NEW_HMAC_KEY]
    assert call(client, raw) == 200  # verified with the SECRET_KEY-derived key, rehashed with the new one
    settings.SECRET_KEY = "a-new-secret-key-after-a-rotation-" + "x" * 30
    assert call(client, raw) == 200


def queries_of_a_request(client, key: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert call(client, key) == 200
    return [q["sql"] for q in queries.captured_queries]


def test_the_api_key_lookup_stays_one_query_with_several_keys(client, tenant, settings):
    call(client, tenant.key)  # records last_used_at (a write, once a minute)
    one_key = queries_of_a_request(client, tenant.key)
    settings.API_KEY_HMAC_KEYS = [NEW_HMAC_KEY, OLD_HMAC_KEY, "third-api-key-hmac-key-0123456789abcdefghij"]
    fresh = make_tenant("Fresh")
    call(client, fresh.key)
    assert len(queries_of_a_request(client, fresh.key)) == len(one_key)
    assert sum("porting_apikey" in sql for sql in one_key) == 1


# --- check --deploy ----------------------------------------------------------------------------
def deploy_check(**options) -> str:
    """``check --deploy`` with the security checks only (ours are among them): the browser tests of the same
    session set DJANGO_ALLOW_ASYNC_UNSAFE, which the async check would report as an error."""
    out, err = StringIO(), StringIO()
    call_command("check", "--deploy", "--tag", "security", stdout=out, stderr=err, **options)
    return out.getvalue() + err.getvalue()


def test_check_deploy_warns_about_each_unset_key_list_when_debug_is_off(settings):
    settings.DEBUG = False
    settings.FIELD_ENCRYPTION_KEYS, settings.API_KEY_HMAC_KEYS = [], []
    output = deploy_check()
    assert "porting.W001" in output and "FIELD_ENCRYPTION_KEYS" in output
    assert "porting.W002" in output and "API_KEY_HMAC_KEYS" in output
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    output = deploy_check()
    assert "porting.W001" not in output and "porting.W002" in output
    settings.API_KEY_HMAC_KEYS = [DEMO_API_KEY_HMAC_KEY, OLD_HMAC_KEY]  # the public demo key still hashes
    assert "porting.W002" in deploy_check()


def test_check_deploy_is_quiet_about_keys_when_both_lists_are_set(settings):
    settings.DEBUG = False
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    settings.API_KEY_HMAC_KEYS = [NEW_HMAC_KEY]
    output = deploy_check()
    assert "porting.W001" not in output and "porting.W002" not in output


def test_check_deploy_does_not_warn_about_keys_with_debug_on(settings):
    settings.DEBUG = True
    settings.FIELD_ENCRYPTION_KEYS, settings.API_KEY_HMAC_KEYS = [], []
    output = deploy_check()
    assert "porting.W001" not in output and "porting.W002" not in output


def test_check_refuses_a_field_encryption_key_that_is_not_a_fernet_key(settings):
    settings.FIELD_ENCRYPTION_KEYS = ["not-a-fernet-key"]
    with pytest.raises(SystemCheckError, match="porting.E001"):
        call_command("check", stdout=StringIO(), stderr=StringIO())


def test_check_deploy_notes_a_generated_seal_without_failing(settings):
    settings.DEBUG = False
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    settings.API_KEY_HMAC_KEYS = [NEW_HMAC_KEY]
    settings.PORTING_SEAL_P12 = ""
    assert "porting.I001" in deploy_check(fail_level="ERROR")  # an Info: listed, never a failure
    settings.PORTING_SEAL_P12 = "/etc/portico/seal.p12"
    assert "porting.I001" not in deploy_check(fail_level="ERROR")
