"""The `python -m bot` commands that work on the database or the rules, without receiving updates: one module
each; `bot.cli` parses the arguments and calls them."""
