"""Supervision rules (监督管理): pure domain, no database, no user interface. (Design note
below.)"""
