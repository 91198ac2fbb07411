"""A request that waited out SQLite's busy timeout gets a 503 "try again" page, never a 500.

Transactions wait for SQLite's one write lock (settings: `transaction_mode`
IMMEDIATE, `timeout`), so two decisions at once are served one after the
other. Only a job holding the lock for longer than the timeout (a large
import) makes a request give up; its transaction is rolled back.
"""

from django.db import OperationalError
from django.shortcuts import render


class DatabaseBusyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not (isinstance(exception, OperationalError) and "database is locked" in str(exception)):
            return None
        response = render(request, "503_busy.html", status=503)
        response["Retry-After"] = "30"
        return response
