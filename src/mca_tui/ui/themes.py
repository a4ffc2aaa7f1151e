"""The two looks: the default theme and a high-contrast theme (settings.ui.theme)."""

from __future__ import annotations

from textual.theme import Theme

DEFAULT = Theme(
    name="mca-default",
    primary="#2f6fb3",
    secondary="#4a8f6a",
    accent="#d0a030",
    warning="#e0a000",
    error="#d04040",
    success="#3a9a50",
    foreground="#e6e6e6",
    background="#1b1f24",
    surface="#242a31",
    panel="#2c333b",
    dark=True,
)

HIGH_CONTRAST = Theme(
    name="mca-high-contrast",
    primary="#ffff00",
    secondary="#00ffff",
    accent="#ffffff",
    warning="#ffff00",
    error="#ff5555",
    success="#00ff00",
    foreground="#ffffff",
    background="#000000",
    surface="#000000",
    panel="#000000",
    dark=True,
    luminosity_spread=0.0,
    text_alpha=1.0,
)

BY_SETTING = {"default": DEFAULT.name, "high-contrast": HIGH_CONTRAST.name}


def theme_name(setting: str) -> str:
    return BY_SETTING.get(setting, DEFAULT.name)
