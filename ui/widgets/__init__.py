"""Small reusable widgets and item delegates."""
