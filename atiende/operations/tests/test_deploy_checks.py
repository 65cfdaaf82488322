"""Production settings pass Django's deployment checks when configured by environment."""

import os
import subprocess
import sys

PRODUCTION = {
    "SECRET_KEY": "k" * 20 + "-production-secret-key-that-is-long-and-random-9f8e7d6c5b4a",
    "DEBUG": "false",
    "ALLOWED_HOSTS": "soporte.example.com",
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_COOKIES": "true",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_PRELOAD": "true",
    "EMAIL_HOST": "smtp.example.com",
}


def run_check(extra_env: dict[str, str], tmp_path) -> subprocess.CompletedProcess[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in PRODUCTION
        and key not in ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update({"ATIENDE_DATA_DIR": str(tmp_path), **extra_env})
    return subprocess.run(
        [sys.executable, "-m", "atiende", "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_production_environment_passes_deploy_checks(tmp_path):
    result = run_check(PRODUCTION, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_defaults_are_flagged_by_deploy_checks(tmp_path):
    result = run_check({}, tmp_path)
    assert result.returncode != 0
    assert "SECURE_HSTS_SECONDS" in result.stdout + result.stderr


def test_malformed_setting_stops_start_up_with_its_name(tmp_path):
    result = run_check({**PRODUCTION, "DEBUG": "maybe"}, tmp_path)
    assert result.returncode != 0
    assert "DEBUG must be one of" in result.stderr
