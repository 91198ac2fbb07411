"""State changes of a user's own account, each with its audit row."""

from django.db import transaction

from harapan.audit import trail

from .models import User


@transaction.atomic
def choose_language(user, language: str) -> None:
    """The interface language the user reads the app in (DESIGN §11)."""
    # As stored: a ModelForm's validation has already set the new value on `user`.
    before = User.objects.values("language").get(pk=user.pk)
    user.language = language
    user.save(update_fields=["language"])
    trail.record(
        user, "accounts.user.language", user,
        changes=trail.diff(before, user), region_code=user.region_id or "",
    )  # fmt: skip


def record_password_change(user) -> None:
    """Django's PasswordChangeForm sets the password; the trail notes that it changed."""
    trail.record(user, "auth.password_change", user, region_code=user.region_id or "")
