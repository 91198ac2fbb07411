"""What a task is called on the task page: a label, never its module path (DESIGN §11)."""

from django.utils.translation import gettext_lazy as _

OTHER = _("Tugas lain")


def labelled(text):
    """Decorate a task's function (under `@task()`) with the label the task page shows."""

    def mark(func):
        func.harapan_label = text
        return func

    return mark


def label_of(task_path: str):
    from django.utils.module_loading import import_string

    try:
        return getattr(import_string(task_path).func, "harapan_label", OTHER)
    except (ImportError, AttributeError):
        return OTHER
