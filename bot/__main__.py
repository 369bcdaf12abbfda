import sys

if __name__ == "__main__":  # not when a chart worker process (multiprocessing spawn) imports this module
    if (sys.argv[1:2] or ["run"])[0] in ("run", "start", "console"):
        # The question matcher trains at start-up with a transient peak of a few MB. Trained now, while the process
        # is small, that memory is handed back before the bot's own imports grow it: the start-up peak is the
        # running size, not the running size plus training.
        from bot.questions.matcher import default_matcher

        default_matcher()
    from bot.cli import main

    raise SystemExit(main())
