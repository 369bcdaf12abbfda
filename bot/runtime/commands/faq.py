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
            best = (asked.questions or asked.topics or ("unknown",))[0]  # the first question, else the greeting
            score = asked.score if asked.questions or not asked.topics else 1.0
            sys.stdout.write(json.dumps({"topic": best, "topics": list(asked.topics) or ["unknown"],
                                         "score": round(score, 3)}) + "\n")
            sys.stdout.flush()
        return 0
    from bot.core.i18n import default_translator
    from bot.questions.desk import QuestionDesk
    from bot.questions.knowledge_base import default_knowledge

    lang = args.lang or settings.default_language
    desk = QuestionDesk(default_knowledge(), matcher, default_translator())
    asked = desk.read(args.question)
    if asked.small_talk and not asked.questions and not asked.unanswered:
        print(desk.small_talk_only(asked, lang))
        return 0
    print(desk.reply_to_message(asked, lang, ticket_id=None).as_plain_text())
    return 0
