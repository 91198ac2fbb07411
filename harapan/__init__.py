"""Harapan: the management information system of Program Keluarga Harapan (PKH)."""
