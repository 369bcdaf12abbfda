"""Lindungi Pekerja: a Telegram bot that helps enrol informal workers in BPJS Ketenagakerjaan.

Layers, low to high (tests/test_layers.py states who may import whom): core; the domain packages (questions,
contributions, enrollment, pledges, reminders, broadcasts, reports, privacy) and infra; models/; jobs; handlers/;
runtime; devtools; cli.py, the command line, on top.
"""

__version__ = "0.1.0"
