"""`python -m bot faq ...`: the question matcher and its answers, without Telegram."""

from __future__ import annotations

import argparse
import sys

from bot.core.settings import Settings


def run_faq(settings: Settings, args: argparse.Namespace) -> int:
    import json

    from bot.questions.matcher import default_matcher

    matcher = default_matcher()
    if args.faq_command == "classify":
        from bot.questions.asked import topics_asked

        for line in sys.stdin:
            asked = topics_asked(matcher, line.rstrip("\n"))
            best = asked.topics[0] if asked.topics else "unknown"
            sys.stdout.write(json.dumps({"topic": best, "topics": list(asked.topics) or ["unknown"],
                                         "score": asked.score}) + "\n")
            sys.stdout.flush()
        return 0
    from bot.core.i18n import default_translator
    from bot.questions.desk import QuestionDesk, small_talk
    from bot.questions.knowledge_base import default_knowledge

    lang = args.lang or settings.default_language
    desk = QuestionDesk(default_knowledge(), matcher, default_translator())
    chat = small_talk(args.question)
    if chat is not None:
        print(default_translator().t(lang, f"faq.{chat}"))
        return 0
    print(desk.reply_to(desk.classify(args.question), lang, ticket_id=None).as_plain_text())
    return 0
