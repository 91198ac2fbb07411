"""The pendamping's own work (issue 16, DESIGN §9), one module per record kind; every model
is imported here so that Django finds it."""
