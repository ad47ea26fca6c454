"""Table models of the app: thin adapters over domain rows, with sort and object roles."""
