"""What every handler may use, built once at start: settings, database, texts, the question desk, the cipher
for personal data, the chart renderer."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.core.crypto import PersonalDataCipher
from bot.core.i18n import Translator
from bot.core.settings import Settings
from bot.infra.database import Database
from bot.questions.desk import QuestionDesk
from bot.reports.charts import ChartRenderer


@dataclass
class Services:
    settings: Settings
    db: Database
    texts: Translator
    desk: QuestionDesk
    cipher: PersonalDataCipher
    charts: ChartRenderer = field(default_factory=ChartRenderer)
