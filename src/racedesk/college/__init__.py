"""The Electoral College projection and the road to January 20: calls in, tallies, probabilities
and deadlines out."""
