"""What every handler may use, built once at start: settings, database, texts, the question desk, the cipher
for personal data, the chart renderer."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.charts import ChartRenderer
from bot.crypto import PersonalDataCipher
from bot.database import Database
from bot.i18n import Translator
from bot.questions import QuestionDesk
from bot.settings import Settings


@dataclass
class Services:
    settings: Settings
    db: Database
    texts: Translator
    desk: QuestionDesk
    cipher: PersonalDataCipher
    charts: ChartRenderer = field(default_factory=ChartRenderer)
