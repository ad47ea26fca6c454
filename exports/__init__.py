"""Output of the register: PDF, CSV, XLSX, JSON and evidence packs (built in later issues)."""
