"""The Desk: one cycle = read the store as of now, model, call, tally."""
