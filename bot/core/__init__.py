"""The common core every layer shares: settings, logging, the message catalog (i18n.py + locales/), rupiah and
dates (formatting.py), months and due dates (calendar.py), NIK/phone/name checks and masking (identity.py), typed
amounts (money.py), encryption (crypto.py), Reply/Button (replies.py) and the protocol of a conversation flow.

The bottom layer: imports no other project package, and never telegram, sqlalchemy or sqlmodel.
"""
