"""Framework-free helpers: identifiers (NIK, No KK), region codes, dates, money."""
