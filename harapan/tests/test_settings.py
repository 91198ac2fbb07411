import os
import re
import subprocess
import sys

from harapan.testing import ROOT

# The environment of a production site behind nginx (docs/deploy.md).
PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "SECRET_KEY": "k" * 20 + "-unpredictable-production-secret-5a8f7e2c9d1b",
    "ALLOWED_HOSTS": "harapan.dinsos.example.go.id",
    "CSRF_TRUSTED_ORIGINS": "https://harapan.dinsos.example.go.id",
    "TRUST_X_FORWARDED_PROTO": "1",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
    "SECURE_HSTS_PRELOAD": "1",
}
HTTPS_SETTINGS = (
    "from django.conf import settings as s; "
    "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD, "
    "getattr(s, 'SECURE_PROXY_SSL_HEADER', None))"
)


def run_harapan(*args, env_extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    for name in PRODUCTION:
        env.pop(name, None)
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "-m", "harapan", *args], env=env, capture_output=True, text=True
    )


def test_production_settings_pass_the_deploy_check(tmp_path):
    result = run_harapan(
        "check", "--deploy", "--fail-level", "WARNING",
        env_extra={**PRODUCTION, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"},
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_hsts_and_the_proxy_header_are_off_unless_the_environment_turns_them_on(tmp_path):
    bare = {k: PRODUCTION[k] for k in ("DJANGO_DEBUG", "SECRET_KEY", "ALLOWED_HOSTS")}
    database = {"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    result = run_harapan("shell", "-v", "0", "-c", HTTPS_SETTINGS, env_extra={**bare, **database})
    assert result.stdout.split() == ["0", "False", "False", "None"], result.stderr

    result = run_harapan(
        "shell", "-v", "0", "-c", HTTPS_SETTINGS, env_extra={**PRODUCTION, **database}
    )
    assert result.stdout.strip() == "31536000 True True ('HTTP_X_FORWARDED_PROTO', 'https')"


def test_production_refuses_to_start_without_a_secret_key():
    result = run_harapan("check", env_extra={"DJANGO_DEBUG": "0", "ALLOWED_HOSTS": "x"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_the_deploy_guide_lists_every_environment_variable_the_settings_read():
    settings = (ROOT / "harapan" / "settings.py").read_text(encoding="utf-8")
    read = set(re.findall(r'(?:environ\.get|env_flag)\("([A-Z_]+)"', settings))
    guide = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `([A-Z_]+)` \|", guide, re.MULTILINE))
    assert "TRUST_X_FORWARDED_PROTO" in read
    assert read - listed == set()
