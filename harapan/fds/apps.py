from django.apps import AppConfig
from django.db.models.signals import post_migrate


class FdsConfig(AppConfig):
    name = "harapan.fds"
    verbose_name = "P2K2 (pertemuan kelompok)"

    def ready(self):
        from harapan.registry import panels
        from harapan.registry.moving import family_moved

        from .panels import fds_panel

        post_migrate.connect(_seed_curriculum, sender=self)
        panels.register(fds_panel)
        family_moved.connect(_leave_groups_after_move)


def _seed_curriculum(sender, **kwargs):
    from .curriculum import ensure_curriculum

    ensure_curriculum()


def _leave_groups_after_move(sender, *, family, old_region_code, on, acting_user, **kwargs):
    from .actions import leave_groups_on_move

    leave_groups_on_move(family, old_region_code=old_region_code, on=on, acting_user=acting_user)
