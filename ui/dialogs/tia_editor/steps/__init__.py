"""One page per step of the TIA editor."""
