"""Compositions: what runs by name — the registry of analyses, and the reports as ordered lists of
registered sections (daily, weekly, monthly, customers, plan)."""
