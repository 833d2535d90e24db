"""Settings come from the environment; a production-like environment passes check --deploy."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_check_deploy_reports_nothing_above_info_with_production_variables():
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update({
        "SECRET_KEY": "k3Jx9!vQ2#pLz8@wR5^tY1&uI7*oP4(aS6)dF0_gH3+jK9-lZ2=xC5",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "porting.example.com",
        "SITE_URL": "https://porting.example.com",
        "DATABASE_URL": "sqlite:////tmp/portico-check.sqlite3",
        "FIELD_ENCRYPTION_KEYS": "dGhpcy1pcy1hLXRlc3Qta2V5LW9mLTMyLWJ5dGVzISE=",
        "API_KEY_HMAC_KEYS": "a-long-random-hmac-key-for-the-check-test-8c1f4e",
    })
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stderr + result.stdout
