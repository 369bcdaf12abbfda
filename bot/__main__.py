from bot.cli import main

if __name__ == "__main__":  # not when a chart worker process (multiprocessing spawn) imports this module
    raise SystemExit(main())
