from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "harapan.reports"
    verbose_name = "Laporan"

    def ready(self):
        from harapan.jobs import changed_regions

        from .tasks import refresh_soon

        # The imports and computations below say which regions they changed; the summary
        # rows of those kabupaten are refreshed by a worker.
        changed_regions.listen(refresh_soon)
