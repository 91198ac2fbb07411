from django.apps import AppConfig


class FieldworkConfig(AppConfig):
    name = "harapan.fieldwork"
    verbose_name = "Kerja pendamping"

    def ready(self):
        from harapan.registry import worklog

        from .actions_activities import record_done_work

        worklog.work_done.connect(record_done_work, dispatch_uid="fieldwork.activity_log")
