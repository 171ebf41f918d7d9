"""The Settings dialog: one page per part of the config file, saved back to it atomically."""
