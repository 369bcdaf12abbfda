"""Figures for people: charts as data drawn with matplotlib off the event loop (charts.py), the admins' dashboard,
/statistik from the Kalimantan figures (data/), and the CSV exports for the branch office.

Domain layer: imports bot.core and other domain packages only; the figures are read by models.report and passed in.
Start with charts.py.
"""
