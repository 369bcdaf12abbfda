"""A worker's enrollment details, for the tests that store, rotate or export applications."""

from __future__ import annotations

from datetime import date

from models.enrollment import ApplicantDetails

SITI = ApplicantDetails(name="SITI AMINAH", nik="6371015708850002", birth_date=date(1985, 8, 17),
                        phone="+6281234567890", occupation="pedagang", transport=False, province="Kalimantan Selatan",
                        regency="Banjarmasin", income=1_500_000, programs=("jkk", "jkm"))
