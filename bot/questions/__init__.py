"""Answering free-text questions, without Telegram: the knowledge base (knowledge/*.yaml), Indonesian as people type
it (normalise.py), the matcher (BM25 and a topic model), and the desk that turns a question into a reply.

Domain layer: imports bot.core and other domain packages only. Start with desk.py.
"""
