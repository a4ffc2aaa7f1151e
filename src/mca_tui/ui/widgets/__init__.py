"""Widgets and screen machinery shared by several screens (no screen imports them
back: they never import a screen)."""
