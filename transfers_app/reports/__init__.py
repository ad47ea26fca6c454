"""Report models: every decision made, ready to lay out.

The services build these (the TIA summary, the register tables, the cover letter, the public
list, the pack plan); the renderers in ``exports/`` only lay them out. Pure Python: this
package imports the core only, never services or adapters.
"""
