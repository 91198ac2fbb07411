from django.apps import AppConfig
from django.db.models.signals import post_migrate


class FdsConfig(AppConfig):
    name = "harapan.fds"
    verbose_name = "P2K2 (pertemuan kelompok)"

    def ready(self):
        from harapan.registry import panels

        from .panels import fds_panel

        post_migrate.connect(_seed_curriculum, sender=self)
        panels.register(fds_panel)


def _seed_curriculum(sender, **kwargs):
    from .curriculum import ensure_curriculum

    ensure_curriculum()
