"""The app's pages, one per navigation entry."""
