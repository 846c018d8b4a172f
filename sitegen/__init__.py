"""sitegen: a static site and print generator for community offices."""

__version__ = "0.1.0"
