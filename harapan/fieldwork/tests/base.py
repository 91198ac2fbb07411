"""Cases and notes made through the real actions, for the fieldwork tests."""

from datetime import date

from ..actions_coaching import write_note
from ..actions_ethics import decide_case, report_case, start_investigation


def reported(pendamping, reporter, *, kind="menahan_kks", description="Kartu KKS ditahan."):
    return report_case(pendamping, kind=kind, description=description, acting_user=reporter)


def investigated(pendamping, reporter, *, note="Saksi membenarkan.", **kwargs):
    case = reported(pendamping, reporter, **kwargs)
    return start_investigation(case, note=note, acting_user=reporter)


def decided(pendamping, reporter, *, decision="teguran", text="Teguran tertulis.", **kwargs):
    case = investigated(pendamping, reporter, **kwargs)
    return decide_case(case, decision=decision, text=text, acting_user=reporter)


def note_about(coached, writer, *, on: date, follow_up_on: date, topic="Verifikasi"):
    return write_note(coached, on=on, topic=topic, note="Perbaiki jadwal kunjungan.",
                      follow_up_on=follow_up_on, acting_user=writer)  # fmt: skip
