import os
import subprocess
import sys


def run_harapan(*args, env_extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "-m", "harapan", *args], env=env, capture_output=True, text=True
    )


def test_production_settings_pass_the_deploy_check(tmp_path):
    result = run_harapan(
        "check", "--deploy", "--fail-level", "WARNING",
        env_extra={
            "DJANGO_DEBUG": "0",
            "SECRET_KEY": "k" * 20 + "-unpredictable-production-secret-5a8f7e2c9d1b",
            "ALLOWED_HOSTS": "harapan.dinsos.example.go.id",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        },
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = run_harapan("check", env_extra={"DJANGO_DEBUG": "0", "ALLOWED_HOSTS": "x"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
