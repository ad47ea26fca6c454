"""Ports for files: the writers and readers the services use, implemented in ``exports/``."""
