"""One module per upstream system, each exporting its table contracts."""
