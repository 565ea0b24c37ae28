"""Safeguards every request and form shares: text rules, refusals, error pages, log redaction.

A bottom layer: it imports nothing from the domain apps (accounts, regions, rooms,
reservations, dashboard) nor from health, so any of them may use it.
"""
