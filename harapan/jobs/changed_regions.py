"""Which regions' data an engine just changed, told to whoever keeps figures of them.

The imports and computations (registry, verification, participations, disbursement,
entitlements, exits) sit below the reports app, which keeps per-desa summary tables
(DESIGN §11: the lower apps never import the reports). An engine calls
`regions_changed(prefix, ...)` when it wrote; the reports app `listen`s from its
AppConfig.ready and queues a refresh of those kabupaten. The listeners are told once the
engine's transaction commits, and not at all when it rolls back.
"""

from collections.abc import Callable, Iterable

from django.db import transaction

Listener = Callable[[list[str]], None]
_listeners: list[Listener] = []


def listen(listener: Listener) -> None:
    """Call `listener(prefixes)` after each committed change (an app's ready())."""
    if listener not in _listeners:
        _listeners.append(listener)


def regions_changed(prefixes: Iterable[str]) -> None:
    """The data of the regions whose codes start with `prefixes` changed ('' is all): the
    listeners hear the sorted prefixes once the current transaction commits."""
    found = sorted(set(prefixes))
    if not found:
        return

    def tell() -> None:
        for listener in list(_listeners):
            listener(found)

    transaction.on_commit(tell)
