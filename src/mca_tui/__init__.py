"""mca-tui — 社会组织登记管理终端.

Only the version lives here: importing the package must stay cheap so that the
first screen paints fast and the headless core never drags in the UI.
"""

__version__ = "0.1.0"
