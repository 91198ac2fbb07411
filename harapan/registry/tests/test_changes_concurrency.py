"""Two approvers clicking at the same moment, on two real database connections."""

import threading
from datetime import date

from django.core.exceptions import ValidationError
from django.db import connection
from django.test import TransactionTestCase

from harapan.accounts.roles import Role
from harapan.audit.models import AuditEntry
from harapan.registry import changes
from harapan.registry.models import ChangeRequest, ChangeStatus
from harapan.testing import DESA_A, KEC_A, make_family, make_member, make_user


# Both databases: the SQLite test database is a file (harapan/conftest.py), and a
# transaction there takes the write lock when it begins (harapan/settings.py).
class ConcurrentApprovalTest(TransactionTestCase):
    def test_two_simultaneous_approvals_apply_the_change_once(self):
        pendamping = make_user("pendamping_x", Role.PENDAMPING, KEC_A)
        korcam = make_user("korcam_x", Role.KORCAM, KEC_A)
        korkab = make_user("korkab_x", Role.KORKAB, KEC_A[:4])
        family = make_family(region_code=DESA_A, pendamping=pendamping)
        child = make_member(family, birth_date=date(2015, 7, 1), school_level="sd")
        request = changes.request_change(
            family, "pendidikan", {"school_level": "smp"}, member=child, acting_user=pendamping
        )
        start = threading.Barrier(2)
        outcomes: list[str] = []

        def approve(user):
            try:
                seen = ChangeRequest.objects.get(pk=request.pk)  # both see it pending
                start.wait()
                changes.approve_change(seen, acting_user=user)
                outcomes.append("approved")
            except ValidationError as error:
                outcomes.append(error.messages[0])
            finally:
                connection.close()

        threads = [threading.Thread(target=approve, args=(u,)) for u in (korcam, korkab)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)

        assert sorted(outcomes) == ["Permohonan ini sudah diputuskan.", "approved"]
        assert ChangeRequest.objects.get(pk=request.pk).status == ChangeStatus.APPROVED
        assert AuditEntry.objects.filter(action="registry.change.approve").count() == 1
