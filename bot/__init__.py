"""Lindungi Pekerja: a Telegram bot that helps enrol informal workers in BPJS Ketenagakerjaan."""

__version__ = "0.1.0"
