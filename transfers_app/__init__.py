"""Transfer Register: the register of international transfers of personal data."""

__version__ = "0.1.0"
