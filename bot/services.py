"""What every handler may use, built once at start: settings, database, texts, the question desk, the cipher
for personal data."""

from __future__ import annotations

from dataclasses import dataclass

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
