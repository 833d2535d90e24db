"""API keys in the admin: a superuser creates one (shown once, and it works) and revokes one."""
import re

from tests.conftest import make_tenant


def test_a_superuser_creates_a_key_that_is_shown_once_and_works(superuser, client):
    tenant = make_tenant()
    response = superuser.post("/admin/porting/apikey/add/", {"platform": tenant.platform.pk, "name": "CRM"})
    raw = re.search(r"sk_test_[A-Za-z0-9]{32,}", response.content.decode()).group(0)
    assert "no-store" in response["Cache-Control"]
    api = client.get("/v1/port-orders", HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_DIALSTACK_ACCOUNT=tenant.account.pk)
    assert api.status_code == 200
    listing = superuser.get("/admin/porting/apikey/").content.decode()
    assert raw not in listing and raw[:12] in listing


def test_a_superuser_revokes_a_key(superuser, client):
    tenant = make_tenant()
    from porting.models import ApiKey

    key = ApiKey.objects.get(platform=tenant.platform, livemode=False)
    superuser.post("/admin/porting/apikey/", {"action": "revoke_keys", "_selected_action": [key.pk]})
    response = client.get("/v1/port-orders", HTTP_AUTHORIZATION=f"Bearer {tenant.key}",
                          HTTP_DIALSTACK_ACCOUNT=tenant.account.pk)
    assert response.status_code == 401
